//! Escaping for the report: HTML text and attributes, and the URLs of the
//! `<audio>` sources. Written here rather than taken from a crate: the rules
//! are a dozen lines, and every piece of user text in the page goes through
//! [`html`].

use std::path::{Component, Path, PathBuf};

/// Escape text for HTML element content and for double- or single-quoted
/// attribute values: `& < > " '`. Nothing else needs escaping in UTF-8 pages.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab/newline are not valid in HTML
            // text; a log never has them on purpose.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encode one path segment for a URL: everything but RFC 3986's
/// unreserved characters, byte by byte (UTF-8).
pub fn url_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path from folder `from` to `to`, both absolute, or `None` when there is
/// none (different Windows drives).
pub fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    let f: Vec<Component> = from.components().collect();
    let t: Vec<Component> = to.components().collect();
    // Both must start at the same root (and, on Windows, the same prefix).
    match (f.first(), t.first()) {
        (Some(a), Some(b)) if a == b && !matches!(a, Component::Normal(_)) => {}
        _ => return None,
    }
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..f.len() {
        rel.push("..");
    }
    for c in &t[common..] {
        rel.push(c.as_os_str());
    }
    Some(rel)
}

/// A URL for `target` as seen from a page in folder `page_dir` (both
/// absolute): relative when possible, else an absolute `file://` URL.
pub fn href(page_dir: &Path, target: &Path) -> String {
    match relative_path(page_dir, target) {
        Some(rel) => join_segments(&rel),
        None => {
            let mut url = String::from("file://");
            if !target.to_string_lossy().starts_with('/') {
                url.push('/');
            }
            url.push_str(&join_segments(target));
            url
        }
    }
}

fn join_segments(p: &Path) -> String {
    let mut parts = Vec::new();
    let mut rooted = false;
    for c in p.components() {
        match c {
            Component::RootDir => rooted = true,
            Component::Prefix(x) => parts.push(x.as_os_str().to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => parts.push("..".into()),
            Component::Normal(s) => parts.push(url_segment(&s.to_string_lossy())),
        }
    }
    let joined = parts.join("/");
    if rooted {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            html(r#"a & b "c" 'd'"#),
            "a &amp; b &quot;c&quot; &#39;d&#39;"
        );
        assert_eq!(html("&amp;"), "&amp;amp;");
        assert_eq!(html("\" onmouseover=\"x"), "&quot; onmouseover=&quot;x");
        assert_eq!(html("plain text, é ü 日本"), "plain text, é ü 日本");
        assert_eq!(html("a\u{0}b\nc"), "a\u{FFFD}b\nc");
    }

    #[test]
    fn escaped_text_has_no_markup_characters_left() {
        let nasty = "</title><img src=x onerror=alert(1)>'\"`&#x3C;";
        let e = html(nasty);
        assert!(!e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''));
    }

    #[test]
    fn url_segments_are_percent_encoded() {
        assert_eq!(url_segment("01-tell-me.wav"), "01-tell-me.wav");
        assert_eq!(url_segment("a b#c?d%e"), "a%20b%23c%3Fd%25e");
        assert_eq!(url_segment("é\"<"), "%C3%A9%22%3C");
    }

    #[test]
    fn relative_paths_climb_and_descend() {
        let r = relative_path(
            Path::new("/home/u/out"),
            Path::new("/home/u/rec/2026/a.wav"),
        );
        assert_eq!(r, Some(PathBuf::from("../rec/2026/a.wav")));
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b/c.wav")),
            Some(PathBuf::from("c.wav"))
        );
        assert_eq!(relative_path(Path::new("a"), Path::new("/b")), None);
        assert_eq!(
            href(Path::new("/x/y z"), Path::new("/x/rec/a b.wav")),
            "../rec/a%20b.wav"
        );
    }
}
