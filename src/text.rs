//! The display boundary: text from an audit file, a catalogue or the command
//! line is untrusted. Before it is drawn on the workbench or printed for a
//! person, it passes through [`inert`] (or [`inert_lines`] where a multi-line
//! area draws line breaks), which makes every control character, escape
//! sequence and bidi override visible and harmless. Data written to files
//! (CSV, the database, reports) never goes through here: it stays exact.

use std::borrow::Cow;

/// Columns a TAB expands to (to the next multiple).
const TAB: usize = 4;

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls, DEL,
/// bidi embeddings, overrides and isolates (which reorder what follows them).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// The visible stand-in for an unsafe character: the Control Pictures block
/// for C0 and DEL (`␛`, `␍`, `␊`…), U+FFFD for C1 controls and bidi controls.
fn placeholder(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{fffd}',
    }
}

fn clean(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut col = 0usize;
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => {
                out.push('\n');
                col = 0;
                continue;
            }
            '\t' => {
                let n = TAB - col % TAB;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
                continue;
            }
            c if is_unsafe(c) => out.push(placeholder(c)),
            c => out.push(c),
        }
        col += 1;
    }
    Cow::Owned(out)
}

/// One line of untrusted text, safe to draw or print: controls shown as
/// visible placeholders (`␛`, `␍`, `␊`, `�`), TABs expanded, bidi controls
/// neutralised. Borrowed unchanged when there is nothing to do.
pub fn inert(s: &str) -> Cow<'_, str> {
    clean(s, false)
}

/// Like [`inert`], but line breaks are kept, for areas that draw them.
pub fn inert_lines(s: &str) -> Cow<'_, str> {
    clean(s, true)
}

/// Errors are one line: fold any newline a lower layer put in, then make
/// what is left inert (error messages quote paths and values).
pub fn one_line(s: &str) -> String {
    inert(&s.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible_and_inert() {
        let s = inert("a\u{1b}]0;PWNED\u{7}b\r\u{9b}\u{202e}x\u{7f}");
        assert_eq!(s, "a␛]0;PWNED␇b␍\u{fffd}\u{fffd}x␡");
        assert!(!s.chars().any(is_unsafe));
    }

    #[test]
    fn tabs_expand_and_newlines_only_where_kept() {
        assert_eq!(inert("a\tb"), "a   b");
        assert_eq!(inert("a\nb"), "a␊b");
        assert_eq!(inert_lines("a\nb\tc"), "a\nb   c");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(inert("Naïve 中文 😀"), Cow::Borrowed(_)));
    }
}
