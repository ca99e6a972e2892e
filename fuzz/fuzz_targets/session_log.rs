//! Any bytes as a session.json: an error or a session that survives a
//! save/load round trip, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = mockview::session::parse_log(Path::new("fuzz"), data) {
        let again = serde_json::to_vec(&s).expect("a session serialises");
        let back = mockview::session::parse_log(Path::new("fuzz"), &again)
            .expect("what was read reads again");
        assert_eq!(back.answers.len(), s.answers.len());
    }
});
