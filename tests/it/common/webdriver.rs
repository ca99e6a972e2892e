//! A small WebDriver client (W3C protocol over HTTP on 127.0.0.1, through
//! ureq) to drive real headless browsers: Chromium through Debian's
//! chromedriver, Firefox ESR through geckodriver (`cargo install
//! geckodriver`, scripts/deps.sh). Only what the shared-page tests need:
//! open a page, find and click elements, type, run a script, wait for a
//! condition, read Chromium's console log.

use super::*;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::time::Duration;

/// The W3C key of an element reference in responses.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    agent: ureq::Agent,
    base: String,
    session: String,
    driver: Child,
    pub name: &'static str,
    _profile: tempfile::TempDir,
}

/// A port nobody listens on, for the driver.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// geckodriver: on PATH, or where `cargo install` puts it.
pub fn geckodriver() -> PathBuf {
    if let Some(p) = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("geckodriver"))
            .find(|p| p.is_file())
    }) {
        return p;
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    let p = home.join("bin/geckodriver");
    assert!(
        p.is_file(),
        "geckodriver is needed by this test: scripts/deps.sh test installs it (cargo install geckodriver)"
    );
    p
}

impl Browser {
    /// Headless Chromium; downloads go to `downloads`.
    pub fn chromium(downloads: &Path) -> Browser {
        require("chromium");
        require("chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--mute-audio",
                    "--autoplay-policy=no-user-gesture-required",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                },
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        });
        Browser::start(
            "chromium",
            Process::new("chromedriver"),
            "--port=",
            caps,
            profile,
        )
    }

    /// Headless Firefox ESR.
    pub fn firefox() -> Browser {
        require("firefox-esr");
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "browserName": "firefox",
            "moz:firefoxOptions": {
                "binary": "/usr/bin/firefox-esr",
                "args": ["-headless"],
                "prefs": {
                    "media.autoplay.default": 0,
                    "media.autoplay.blocking_policy": 0,
                    "media.volume_scale": "0.0",
                    "network.proxy.type": 0,
                    "app.update.enabled": false,
                    "browser.shell.checkDefaultBrowser": false,
                },
            },
        });
        Browser::start(
            "firefox",
            Process::new(geckodriver()),
            "--port=",
            caps,
            profile,
        )
    }

    fn start(
        name: &'static str,
        mut driver: Process,
        port_flag: &str,
        caps: Value,
        profile: tempfile::TempDir,
    ) -> Browser {
        let port = free_port();
        let driver = driver
            .arg(format!("{port_flag}{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the {name} driver: {e}"));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let mut b = Browser {
            agent,
            base,
            session: String::new(),
            driver,
            name,
            _profile: profile,
        };
        wait_until(Duration::from_secs(30), || {
            b.agent
                .get(format!("{}/status", b.base))
                .call()
                .is_ok_and(|r| r.status() == 200)
        })
        .unwrap_or_else(|_| panic!("the {name} driver did not start"));
        let v = b.send(
            "POST",
            "/session",
            Some(json!({"capabilities": {"alwaysMatch": caps}})),
        );
        b.session = v["sessionId"].as_str().expect("a session id").to_string();
        b
    }

    /// One command; its `value`. A WebDriver error fails the test with it.
    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{}", self.base, path);
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.unwrap_or(json!({})).to_string()),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let text = response.body_mut().read_to_string().unwrap();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert!(
            status.is_success(),
            "{} {method} {path}: {status}: {text}",
            self.name
        );
        v["value"].clone()
    }

    fn path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    pub fn goto(&self, url: &str) {
        self.send("POST", &self.path("/url"), Some(json!({ "url": url })));
    }

    pub fn refresh(&self) {
        self.send("POST", &self.path("/refresh"), None);
    }

    /// The first element matching `css`.
    pub fn find(&self, css: &str) -> String {
        let v = self.send(
            "POST",
            &self.path("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("{}: {css}: {v}", self.name))
            .to_string()
    }

    pub fn click(&self, element: &str) {
        self.send(
            "POST",
            &self.path(&format!("/element/{element}/click")),
            None,
        );
    }

    pub fn clear(&self, element: &str) {
        self.send(
            "POST",
            &self.path(&format!("/element/{element}/clear")),
            None,
        );
    }

    pub fn type_into(&self, element: &str, text: &str) {
        self.send(
            "POST",
            &self.path(&format!("/element/{element}/value")),
            Some(json!({ "text": text })),
        );
    }

    /// Run `script` (a function body; `arguments` holds `args`) in the page.
    pub fn run(&self, script: &str, args: Value) -> Value {
        self.send(
            "POST",
            &self.path("/execute/sync"),
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Wait until `script` returns true, or fail naming `what`.
    pub fn wait_for(&self, what: &str, timeout: Duration, script: &str) {
        let ok = wait_until(timeout, || {
            self.run(script, json!([])).as_bool().unwrap_or(false)
        });
        assert!(ok.is_ok(), "{}: timed out waiting for {what}", self.name);
    }

    /// Chromium's console messages since the last call (level, message).
    pub fn console(&self) -> Vec<(String, String)> {
        let v = self.send(
            "POST",
            &self.path("/se/log"),
            Some(json!({"type": "browser"})),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|m| {
                        (
                            m["level"].as_str().unwrap_or("").to_string(),
                            m["message"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            let _ = self.agent.delete(&url).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A `file://` URL for an absolute path.
pub fn file_url(p: &Path) -> String {
    let mut url = String::from("file://");
    for seg in p.to_str().unwrap().split('/').filter(|s| !s.is_empty()) {
        url.push('/');
        for b in seg.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                url.push(char::from(b));
            } else {
                url.push_str(&format!("%{b:02X}"));
            }
        }
    }
    url
}
