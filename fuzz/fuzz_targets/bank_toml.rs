//! Any bytes as a .toml bank: an error naming the problem, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mockview::questions::{parse_toml_bank, BankOrigin};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_toml_bank("fuzz.toml", BankOrigin::Builtin, text);
    }
});
