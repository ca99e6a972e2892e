//! `mockview export` / `import`: the coach loop end to end, hostile archives
//! refused with one line and nothing written, and a property test that the
//! validation never panics on arbitrary or damaged input.

use crate::common::*;
use crate::report::{listing, recorded_session, takes};
use mockview::session::{Review, SessionStore};
use proptest::prelude::*;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// Every entry of a zip: (name, method, unix mode, bytes).
fn entries(zip_path: &Path) -> Vec<(String, CompressionMethod, Option<u32>, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (
                f.name().unwrap().to_string(),
                f.compression(),
                f.unix_mode(),
                b,
            )
        })
        .collect()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn coach_loop_export_import_review_and_back() {
    let (cand, dir_a) = recorded_session();
    let id = dir_a.file_name().unwrap().to_str().unwrap().to_string();
    cand.cmd().args(["report", "latest"]).assert().success();
    let work = tempfile::tempdir().unwrap();
    let a_zip = work.path().join("to-coach.zip");

    // Candidate: export.
    cand.cmd()
        .args(["export", "latest", "-o"])
        .arg(&a_zip)
        .assert()
        .success();
    #[cfg(unix)]
    assert_eq!(mode(&a_zip), 0o600);
    let ents = entries(&a_zip);
    let names: Vec<&str> = ents.iter().map(|e| e.0.as_str()).collect();
    assert!(
        names.iter().all(|n| n.starts_with(&format!("{id}/"))),
        "{names:?}"
    );
    assert!(names.contains(&format!("{id}/report.html").as_str()));
    assert!(!names.iter().any(|n| n.ends_with(".lock")));
    let log_a = log_of(&dir_a);
    assert_eq!(
        names.len(),
        3 + takes(&log_a).len(),
        "dir, log, report, takes: {names:?}"
    );
    for (name, method, _, bytes) in &ents {
        if name.ends_with(".wav") {
            assert_eq!(*method, CompressionMethod::Stored, "{name}");
            assert_eq!(
                *bytes,
                std::fs::read(dir_a.join(&name[id.len() + 1..])).unwrap()
            );
        } else if !name.ends_with('/') {
            assert_eq!(*method, CompressionMethod::Deflated, "{name}");
        }
    }
    // An existing output is kept unless --force.
    let out = cand
        .cmd()
        .args(["export", "latest", "-o"])
        .arg(&a_zip)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    cand.cmd()
        .args(["export", "latest", "--force", "-o"])
        .arg(&a_zip)
        .assert()
        .success();

    // Coach: import into another root (which does not exist yet), review.
    let root_b = work.path().join("coach").join("recordings");
    let out = mockview()
        .arg("--dir")
        .arg(&root_b)
        .arg("import")
        .arg(&a_zip)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let dir_b = root_b.join(&id);
    assert_eq!(
        std::fs::read(log_path(&dir_b)).unwrap(),
        std::fs::read(log_path(&dir_a)).unwrap()
    );
    for t in takes(&log_a) {
        assert_eq!(
            std::fs::read(dir_b.join(&t)).unwrap(),
            std::fs::read(dir_a.join(&t)).unwrap()
        );
        #[cfg(unix)]
        assert_eq!(mode(&dir_b.join(&t)), 0o600);
    }
    #[cfg(unix)]
    assert_eq!(mode(&dir_b), 0o700);
    assert!(
        !dir_b.join("report.html").exists(),
        "a received page is not unpacked"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&root_b)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from(&id)],
        "no temporary folder left"
    );

    let store_b = SessionStore::new(&root_b);
    let sd = store_b.resolve(&id).unwrap();
    let mut s = sd.load().unwrap();
    let review = Review {
        reviewer: "Coach <Kim>".into(),
        at: "2026-11-27T10:00:00Z".parse().unwrap(),
        scores: [
            ("structure", 4u8),
            ("relevance", 5),
            ("specificity", 3),
            ("clarity", 4),
            ("delivery", 2),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        notes: "Good STAR shape.\nSlow down in the result part.".into(),
        self_check: None,
        comments: Vec::new(),
    };
    s.answers[0].reviews.push(review.clone());
    sd.save(&s).unwrap();
    let b_zip = work.path().join("back.zip");
    mockview_in(&root_b)
        .args(["export", &id[..8], "-o"])
        .arg(&b_zip)
        .assert()
        .success();

    // Candidate: import the reviewed session back, twice.
    let out = cand.cmd().arg("import").arg(&b_zip).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(&format!("merged 1 review from {}", b_zip.display())),
        "{stdout}"
    );
    let mut log_after = log_of(&dir_a);
    assert_eq!(
        log_after["answers"][0]["reviews"][0]["reviewer"],
        "Coach <Kim>"
    );
    let page = std::fs::read_to_string(dir_a.join("report.html")).unwrap();
    assert!(
        page.contains("Coach &lt;Kim&gt;"),
        "the candidate's report was written again with the merged review"
    );
    assert_eq!(
        log_after["answers"][0]["reviews"][0]["scores"]["delivery"],
        2
    );
    // Everything else is as it was.
    log_after["answers"][0]["reviews"] = serde_json::json!([]);
    assert_eq!(log_after, log_a);
    for t in takes(&log_a) {
        assert!(dir_a.join(&t).is_file());
    }
    let out = cand.cmd().arg("import").arg(&b_zip).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("merged 0 reviews"));
    assert_eq!(
        log_of(&dir_a)["answers"][0]["reviews"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The coach's own copy does not gain duplicates either.
    mockview_in(&root_b)
        .arg("import")
        .arg(&b_zip)
        .assert()
        .success();
    assert_eq!(
        store_b.resolve(&id).unwrap().load().unwrap().answers[0].reviews,
        vec![review]
    );
}

// ------------------------------------------------------------ hostile input

/// The pieces of a real session to build archives from: id, log, takes.
struct Parts {
    id: String,
    log: Vec<u8>,
    wavs: Vec<(String, Vec<u8>)>,
}

fn parts() -> &'static Parts {
    static P: std::sync::OnceLock<Parts> = std::sync::OnceLock::new();
    P.get_or_init(|| {
        // A synthetic session (library types), so that this needs no audio device.
        let tmp = tempfile::tempdir().unwrap().keep();
        let store = SessionStore::new(tmp.join("rec"));
        let dir = store.create("20261126-101503").unwrap();
        let mut s = mockview::session::Session::new(
            dir.id.clone(),
            "2026-11-26T10:15:03Z".parse().unwrap(),
            mockview::session::Settings {
                limit_seconds: 5,
                seed: 1,
                ..mockview::session::Settings::default()
            },
        );
        let name = "01-why.wav".to_string();
        write_wav(&dir.path.join(&name), &silence(0.2, 8000), 8000);
        s.answers.push(
            mockview::session::Answer::new(
                1,
                mockview::session::QuestionRef {
                    id: "why".into(),
                    text: "Why?".into(),
                    category: "motivation".into(),
                    ..mockview::session::QuestionRef::default()
                },
                mockview::session::AnswerStatus::Recorded,
            )
            .with_take(name.clone(), 1600, 8000),
        );
        dir.save(&s).unwrap();
        Parts {
            id: dir.id.clone(),
            log: std::fs::read(dir.log_path()).unwrap(),
            wavs: vec![(name.clone(), std::fs::read(dir.path.join(&name)).unwrap())],
        }
    })
}

/// Build a zip from (name, bytes) entries, deflated.
fn build(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in entries {
        z.start_file(name.as_str(), opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn valid_entries() -> Vec<(String, Vec<u8>)> {
    let p = parts();
    let mut e = vec![(format!("{}/session.json", p.id), p.log.clone())];
    for (n, b) in &p.wavs {
        e.push((format!("{}/{n}", p.id), b.clone()));
    }
    e
}

/// Rewrite every occurrence of `from` (an entry name) with `to` (same length)
/// in the local headers and the central directory.
fn rename_raw(zip: &mut [u8], from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let (f, t) = (from.as_bytes(), to.as_bytes());
    let mut i = 0;
    while i + f.len() <= zip.len() {
        if &zip[i..i + f.len()] == f {
            zip[i..i + f.len()].copy_from_slice(t);
        }
        i += 1;
    }
}

/// Make the declared uncompressed size of every entry `size` (a lying bomb).
fn lie_about_sizes(zip: &mut [u8], size: u32) {
    let s = size.to_le_bytes();
    for i in 0..zip.len().saturating_sub(46) {
        if zip[i..i + 4] == [0x50, 0x4b, 0x03, 0x04] {
            zip[i + 22..i + 26].copy_from_slice(&s);
        } else if zip[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
            zip[i + 24..i + 28].copy_from_slice(&s);
        }
    }
}

fn hostile_cases() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let p = parts();
    let id = &p.id;
    let with = |extra: (String, Vec<u8>)| {
        let mut e = valid_entries();
        e.push(extra);
        build(&e)
    };
    let mut cases = vec![
        (
            "dot-dot",
            with((format!("{id}/../evil"), b"x".to_vec())),
            "`..`",
        ),
        (
            "dot-dot top",
            with(("../evil".into(), b"x".to_vec())),
            "`..`",
        ),
        (
            "absolute",
            with(("/tmp/evil".into(), b"x".to_vec())),
            "absolute path",
        ),
        (
            "backslash",
            with((format!("{id}\\..\\evil"), b"x".to_vec())),
            "backslash",
        ),
        (
            "drive letter",
            with((format!("C:/{id}/x.wav"), b"x".to_vec())),
            "drive letter",
        ),
        (
            "two top folders",
            with(("20261126-101504/session.json".into(), p.log.clone())),
            "second top folder",
        ),
        (
            "nested folder",
            with((format!("{id}/sub/01-why.wav"), b"x".to_vec())),
            "not a file of the session folder",
        ),
        (
            "unexpected file",
            with((format!("{id}/run.sh"), b"#!/bin/sh".to_vec())),
            "unexpected file",
        ),
        (
            "unlisted wav",
            with((format!("{id}/02-extra.wav"), b"x".to_vec())),
            "not listed in session.json",
        ),
        (
            "not a session id",
            build(&[("my session/session.json".into(), p.log.clone())]),
            "not a session id",
        ),
        ("missing log", build(&valid_entries()[1..]), "no `"),
        (
            "invalid log",
            build(&[(format!("{id}/session.json"), b"{not json".to_vec())]),
            "not a valid session log",
        ),
        (
            "missing take",
            build(&valid_entries()[..1]),
            "not in the archive",
        ),
        (
            "not a zip",
            b"PK\x03\x04 this is not a zip at all".to_vec(),
            "not a readable zip archive",
        ),
    ];
    // A symlink entry, named like a take.
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default();
    z.start_file(format!("{id}/session.json"), opts).unwrap();
    z.write_all(&p.log).unwrap();
    z.add_symlink(format!("{id}/01-why.wav"), "/etc/passwd", opts)
        .unwrap();
    cases.push(("symlink", z.finish().unwrap().into_inner(), "symbolic link"));
    // A device-file mode on a regular-looking entry.
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file(format!("{id}/session.json"), opts).unwrap();
    z.write_all(&p.log).unwrap();
    z.start_file(
        format!("{id}/01-why.wav"),
        opts.external_attributes(0o020_644 << 16),
    )
    .unwrap();
    z.write_all(b"x").unwrap();
    cases.push((
        "char device",
        z.finish().unwrap().into_inner(),
        "special file",
    ));
    // Duplicate names: write two distinct names, then make them equal.
    let mut e = valid_entries();
    e.push((format!("{id}/01-wh2.wav"), b"other".to_vec()));
    let mut dup = build(&e);
    rename_raw(
        &mut dup,
        &format!("{id}/01-wh2.wav"),
        &format!("{id}/01-why.wav"),
    );
    cases.push(("duplicate", dup, "same name"));
    // The log's id differs from its folder.
    let other = "20990101-000000";
    let mut e = vec![(format!("{other}/session.json"), p.log.clone())];
    e.push((format!("{other}/01-why.wav"), p.wavs[0].1.clone()));
    cases.push(("id mismatch", build(&e), "is for session `20261126-101503`"));
    // A newer format version.
    let newer = String::from_utf8(p.log.clone())
        .unwrap()
        .replace("\"version\": 1", "\"version\": 2");
    assert_ne!(newer.as_bytes(), &p.log[..]);
    let mut e = valid_entries();
    e[0].1 = newer.into_bytes();
    cases.push(("newer version", build(&e), "newer mockview"));
    // A log that lists a take by a path.
    let evil = String::from_utf8(p.log.clone())
        .unwrap()
        .replace("\"01-why.wav\"", "\"../01-why.wav\"");
    let mut e = valid_entries();
    e[0].1 = evil.into_bytes();
    cases.push(("log lists a path", build(&e), "not a take's file name"));
    // Decompression bombs (the bound is 1 MB in these tests): honest sizes,
    // then sizes that lie.
    let mut e = valid_entries();
    e[1].1 = vec![0u8; 8 << 20];
    let bomb = build(&e);
    assert!(bomb.len() < 64 * 1024, "highly compressible");
    cases.push(("bomb", bomb.clone(), "decompression bomb"));
    let mut liar = bomb;
    lie_about_sizes(&mut liar, 100);
    cases.push(("lying bomb", liar, "entry `"));
    cases
}

#[test]
fn hostile_archives_are_refused_and_nothing_is_written() {
    // A valid archive imports (so the refusals below are for their own reason).
    let work = tempfile::tempdir().unwrap();
    let good = work.path().join("good.zip");
    std::fs::write(&good, build(&valid_entries())).unwrap();
    let ok_root = work.path().join("ok");
    mockview_in(&ok_root)
        .env("MOCKVIEW_IMPORT_MAX_BYTES", "1000000")
        .arg("import")
        .arg(&good)
        .assert()
        .success();

    let root = work.path().join("rec");
    for (what, bytes, needle) in hostile_cases() {
        let f = work.path().join("in.zip");
        std::fs::write(&f, &bytes).unwrap();
        let before = listing(work.path());
        let out = mockview_in(&root)
            .env("MOCKVIEW_IMPORT_MAX_BYTES", "1000000")
            .arg("import")
            .arg(&f)
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        println!("{what}: {}", err.trim_end());
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert_eq!(err.lines().count(), 1, "{what}: one line: {err}");
        assert!(err.contains(needle), "{what}: `{needle}` in {err}");
        assert!(err.contains("in.zip"), "{what}: names the file: {err}");
        assert!(!root.exists(), "{what}: nothing written");
        assert_eq!(listing(work.path()), before, "{what}");
        assert!(!Path::new("/tmp/evil").exists());
    }

    // Into a root that holds the session: a hostile archive leaves it as it was.
    let existing = ok_root.join(&parts().id).join("session.json");
    let log_before = std::fs::read(&existing).unwrap();
    for (what, bytes, _) in hostile_cases() {
        let f = work.path().join("in.zip");
        std::fs::write(&f, &bytes).unwrap();
        let out = mockview_in(&ok_root)
            .env("MOCKVIEW_IMPORT_MAX_BYTES", "1000000")
            .arg("import")
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}");
        assert_eq!(std::fs::read(&existing).unwrap(), log_before, "{what}");
    }
}

#[test]
fn import_usage_and_missing_file_errors() {
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("rec");
    let out = mockview_in(&root)
        .args(["import", "/nonexistent.zip"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    let out = mockview_in(&root)
        .env("MOCKVIEW_IMPORT_MAX_BYTES", "lots")
        .args(["import", "/nonexistent.zip"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = mockview_in(&root)
        .args(["export", "latest"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "-o is required");
    let out = mockview_in(&root)
        .args(["export", "latest", "-o", "x.zip"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!root.exists());
}

// ---------------------------------------------------------------- property

fn validate(bytes: Vec<u8>) {
    let limits = mockview::archive::Limits {
        max_entries: 100,
        max_bytes: 1 << 20,
    };
    let _ = mockview::archive::validate(Cursor::new(bytes), &PathBuf::from("p.zip"), limits);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn validation_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        validate(bytes);
    }

    #[test]
    fn validation_never_panics_on_damaged_archives(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut z = build(&valid_entries());
        for (at, byte) in flips {
            let i = at.index(z.len());
            z[i] = byte;
        }
        if truncate {
            let n = cut.index(z.len());
            z.truncate(n);
        }
        validate(z);
    }
}
