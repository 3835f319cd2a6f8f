//! Natural ordering of clause identifiers: `8.5.1.2` < `8.5.1.10`, `9.4` < `10.1`.

use std::cmp::Ordering;

/// Compare two clause ids piece by piece, numbers as numbers.
pub fn cmp(a: &str, b: &str) -> Ordering {
    sort_key(a).cmp(&sort_key(b))
}

/// A string key whose byte order is the natural order of clause ids.
///
/// Each run of digits is left-padded to 10 digits, other characters are kept,
/// so `"8.5.1.10"` becomes `"0000000008.0000000005.0000000001.0000000010"`.
/// Stored beside the clause id, it lets SQLite sort in natural order with an index.
pub fn sort_key(id: &str) -> String {
    let mut out = String::with_capacity(id.len() * 4);
    let mut digits = String::new();
    for ch in id.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
        } else {
            flush(&mut out, &mut digits);
            out.push(ch);
        }
    }
    flush(&mut out, &mut digits);
    out
}

fn flush(out: &mut String, digits: &mut String) {
    if digits.is_empty() {
        return;
    }
    let trimmed = digits.trim_start_matches('0');
    let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
    for _ in trimmed.len()..10 {
        out.push('0');
    }
    out.push_str(trimmed);
    digits.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_numbers() {
        assert_eq!(cmp("8.5.1.2", "8.5.1.10"), Ordering::Less);
        assert_eq!(cmp("9.4", "10.1"), Ordering::Less);
        assert_eq!(cmp("10", "9"), Ordering::Greater);
        assert_eq!(cmp("8.5", "8.5.1"), Ordering::Less);
        assert_eq!(cmp("A.5.10", "A.5.9"), Ordering::Greater);
        assert_eq!(cmp("7.5", "7.5"), Ordering::Equal);
    }

    #[test]
    fn sort_key_sorts_like_cmp() {
        let mut ids = vec!["10.1", "8.5.1.10", "4", "8.5.1.2", "9.4", "8.5", "4.1"];
        ids.sort_by_key(|id| sort_key(id));
        assert_eq!(
            ids,
            ["4", "4.1", "8.5", "8.5.1.2", "8.5.1.10", "9.4", "10.1"]
        );
    }
}
