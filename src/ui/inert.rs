//! Text a person typed (a reviewer's name, notes, comments), made inert for
//! the terminal: control characters, escape sequences and bidirectional
//! overrides would otherwise move the cursor, recolour, retitle the window
//! or reorder what is shown. The HTML page escapes the same text its own
//! way (`report::escape`).

/// `text` with every control character but newline and tab (C0, DEL, C1:
/// ESC and CSI included) shown as U+FFFD, and bidirectional embedding,
/// override and isolate marks removed.
pub fn inert(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_controls_do_nothing() {
        assert_eq!(inert("plain, é\nnext\tline"), "plain, é\nnext\tline");
        assert_eq!(
            inert("\u{1b}[2J\u{1b}]0;pwned\u{7}red\r\u{9b}31m"),
            "\u{FFFD}[2J\u{FFFD}]0;pwned\u{FFFD}red\u{FFFD}\u{FFFD}31m"
        );
        assert_eq!(inert("a\u{202E}cba\u{2066}x"), "acbax");
    }
}
