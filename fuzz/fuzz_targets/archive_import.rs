//! Any bytes as a zip handed to `mockview import`: validation answers with an
//! error or a valid archive, never a panic, and never decompresses more than
//! its bound (kept small here so a bomb is cheap to reject).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mockview::archive::{validate, Limits};
use std::io::Cursor;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_entries: 64,
        max_bytes: 1 << 20,
    };
    let _ = validate(Cursor::new(data), Path::new("fuzz.zip"), limits);
});
