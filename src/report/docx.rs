//! The report as a Word document, filled into a template the way Python's
//! `docxtpl` does it: the document's XML parts (body, headers, footers,
//! notes) hold `{{ … }}`, `{% … %}` and `{# … #}` placeholders in their
//! text. Word splits typed text into runs wherever it likes (spelling marks,
//! edits, formatting), so a placeholder can be spread over several runs: the
//! runs of every paragraph are merged first (the placeholder's text moves
//! into the run where it begins, keeping that run's formatting). A paragraph
//! holding `{%p … %}` is replaced by the tag, and the table row around a
//! `{%tr … %}` by the tag, so that loops and conditions can repeat or drop
//! whole paragraphs and rows. Each part is then a `minijinja` template
//! rendered with the report's data; every value is XML-escaped, characters
//! XML cannot hold are replaced by U+FFFD, and line breaks and tabs become
//! Word's own.
//!
//! The XML is read and written with `quick-xml` and the package with `zip`;
//! every part that holds no text is copied as it is.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use quick_xml::events::{BytesStart, BytesText, Event};

use super::ReportData;
use crate::store::{self, Error};

/// The parts of the built-in template (its source, kept as text in
/// `assets/report/docx/`).
const DEFAULT_PARTS: [(&str, &str); 6] = [
    (
        "[Content_Types].xml",
        include_str!("../../assets/report/docx/[Content_Types].xml"),
    ),
    (
        "_rels/.rels",
        include_str!("../../assets/report/docx/_rels/.rels"),
    ),
    (
        "docProps/core.xml",
        include_str!("../../assets/report/docx/docProps/core.xml"),
    ),
    (
        "word/_rels/document.xml.rels",
        include_str!("../../assets/report/docx/word/_rels/document.xml.rels"),
    ),
    (
        "word/styles.xml",
        include_str!("../../assets/report/docx/word/styles.xml"),
    ),
    (
        "word/document.xml",
        include_str!("../../assets/report/docx/word/document.xml"),
    ),
];

/// A part larger than this is refused (a template is a few hundred KB; this
/// stops a zip bomb).
const MAX_PART: u64 = 64 * 1024 * 1024;

/// The built-in template as a `.docx` file: what `report --format docx`
/// fills without `--template`, and what `report --save-template` writes for
/// a certification body to restyle.
pub fn default_template() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // a fixed date, so that the file is the same on every run
        .last_modified_time(zip::DateTime::default());
    for (name, text) in DEFAULT_PARTS {
        // writing to memory cannot fail
        let _ = zip.start_file(name, options);
        let _ = zip.write_all(text.as_bytes());
    }
    zip.finish()
        .map(Cursor::into_inner)
        .unwrap_or_else(|_| Vec::new())
}

/// Whether a part of the package holds document text with placeholders.
fn is_text_part(name: &str) -> bool {
    let Some(file) = name.strip_prefix("word/") else {
        return false;
    };
    !file.contains('/')
        && file.ends_with(".xml")
        && (file == "document.xml"
            || file.starts_with("header")
            || file.starts_with("footer")
            || file == "footnotes.xml"
            || file == "endnotes.xml")
}

/// Fill `template` (its name, for messages, and its bytes; the built-in one
/// when `None`) with `data`, and write the `.docx` to `out`.
pub fn render<W: Write>(
    data: &ReportData,
    template: Option<(&str, &[u8])>,
    mut out: W,
) -> store::Result<W> {
    let builtin;
    let (name, bytes) = match template {
        Some(t) => t,
        None => {
            builtin = default_template();
            ("the built-in DOCX template", builtin.as_slice())
        }
    };
    let not_docx = |e: &dyn std::fmt::Display| {
        Error::Invalid(format!(
            "{name} is not a Word .docx file ({e}); give a .docx to --template"
        ))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_docx(&e))?;
    if archive.by_name("word/document.xml").is_err() {
        return Err(not_docx(&"it has no word/document.xml"));
    }

    // read and prepare every text part first, so that a broken placeholder
    // is reported before anything is written
    let mut sources: Vec<(String, String)> = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(|e| not_docx(&e))?;
        let part = file.name().to_string();
        if !is_text_part(&part) {
            continue;
        }
        if file.size() > MAX_PART {
            return Err(not_docx(&format!("{part} is larger than 64 MB")));
        }
        let mut xml = String::new();
        file.by_ref()
            .take(MAX_PART)
            .read_to_string(&mut xml)
            .map_err(|e| not_docx(&format!("{part}: {e}")))?;
        let prepared = prepare(&xml).map_err(|e| placeholder_error(name, &part, &e))?;
        sources.push((part, prepared));
    }

    let mut env = minijinja::Environment::new();
    env.set_debug(true);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_formatter(|out, _state, value| {
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        let text = match value.as_str() {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(value.to_string()),
        };
        out.write_str(&word_text(&text))
            .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
    });
    env.set_keep_trailing_newline(true);
    let mut texts: HashMap<String, Vec<String>> = HashMap::new();
    for (part, source) in &sources {
        texts.insert(part.clone(), source.lines().map(str::to_string).collect());
        env.add_template_owned(part.clone(), source.clone())
            .map_err(|e| jinja_error(name, part, source, &e))?;
    }

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // the fastest deflate level: a 100 000-finding body is 150 MB of XML
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    let write_failed = |e: &dyn std::fmt::Display| Error::Io(format!("cannot write the DOCX: {e}"));
    for i in 0..archive.len() {
        let part = archive
            .by_index_raw(i)
            .map_err(|e| not_docx(&e))?
            .name()
            .to_string();
        match sources.iter().find(|(p, _)| *p == part) {
            Some((_, source)) => {
                zip.start_file(part.as_str(), options)
                    .map_err(|e| write_failed(&e))?;
                let tmpl = env
                    .get_template(&part)
                    .map_err(|e| jinja_error(name, &part, source, &e))?;
                tmpl.render_captured_to(data, &mut zip)
                    .map_err(|e| jinja_error(name, &part, source, &e))?;
                if let Some(e) = data.stream_error.take() {
                    return Err(Error::Sqlite(format!(
                        "the findings could not all be read for the report: {e}"
                    )));
                }
            }
            None => {
                let file = archive.by_index_raw(i).map_err(|e| not_docx(&e))?;
                zip.raw_copy_file(file).map_err(|e| write_failed(&e))?;
            }
        }
    }
    let bytes = zip.finish().map_err(|e| write_failed(&e))?.into_inner();
    out.write_all(&bytes).map_err(|e| write_failed(&e))?;
    Ok(out)
}

/// Text for inside a `<w:t>`: XML-escaped, characters XML 1.0 cannot hold
/// replaced by U+FFFD, line breaks as `<w:br/>` and tabs as `<w:tab/>`
/// (closing and reopening the text element around them).
pub fn word_text(s: &str) -> String {
    const REOPEN: &str = "<w:t xml:space=\"preserve\">";
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("</w:t><w:br/>");
                out.push_str(REOPEN);
            }
            '\t' => {
                out.push_str("</w:t><w:tab/>");
                out.push_str(REOPEN);
            }
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A placeholder that cannot be used, with the text around it.
#[derive(Debug)]
struct Broken {
    tag: String,
    why: String,
}

fn placeholder_error(template: &str, part: &str, b: &Broken) -> Error {
    if b.tag.is_empty() {
        return Error::Invalid(format!(
            "{part} of {template} cannot be used: {}; save the template again from Word",
            b.why
        ));
    }
    Error::Invalid(format!(
        "the placeholder {:?} in {part} of {template} cannot be used: {}; fix it in Word (a placeholder must stay within one paragraph)",
        crate::text::inert(&b.tag),
        b.why
    ))
}

/// A template error from minijinja, naming the placeholder it is in.
fn jinja_error(template: &str, part: &str, source: &str, e: &minijinja::Error) -> Error {
    let why = e.detail().unwrap_or(&e.kind().to_string()).to_string();
    let tag = e
        .range()
        .and_then(|r| enclosing_tag(source, r.start))
        .or_else(|| {
            // without a span, the line's first placeholder
            let line = e.line()?;
            let start: usize = source
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum();
            let rest = &source[start..];
            let at = rest.find("{{").or_else(|| rest.find("{%"))?;
            enclosing_tag(source, start + at + 2)
        });
    match tag {
        Some(tag) => placeholder_error(template, part, &Broken { tag, why }),
        None => Error::Invalid(format!(
            "{part} of {template} cannot be used: {why}; check its placeholders"
        )),
    }
}

/// The `{{ … }}` or `{% … %}` around byte `at` of `source`.
fn enclosing_tag(source: &str, at: usize) -> Option<String> {
    let at = at.min(source.len());
    let head = source.get(..at)?;
    let start = match (head.rfind("{{"), head.rfind("{%")) {
        (Some(a), Some(b)) => a.max(b),
        (a, b) => a.or(b)?,
    };
    let close = if source[start..].starts_with("{{") {
        "}}"
    } else {
        "%}"
    };
    let end = source[start..]
        .find(close)
        .map_or(source.len(), |e| start + e + 2);
    let tag: String = source[start..end].chars().take(80).collect();
    Some(tag)
}

/// One paragraph's text elements, as indices into the event list.
#[derive(Default)]
struct Para {
    start: usize,
    /// The enclosing table row's start, if any.
    row: Option<usize>,
    /// `(start of <w:t>, its text event)`.
    texts: Vec<(usize, Option<usize>)>,
}

/// The placeholders' openings and closings.
const TAGS: [(&str, &str); 3] = [("{{", "}}"), ("{%", "%}"), ("{#", "#}")];

/// Turn a part's XML into a minijinja template: runs merged around
/// placeholders, `{%p %}` paragraphs and `{%tr %}` rows replaced by their
/// tag, all other XML as it was.
fn prepare(xml: &str) -> Result<String, Broken> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut events: Vec<Event> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(e) => events.push(e),
            Err(e) => {
                return Err(Broken {
                    tag: String::new(),
                    why: format!("the XML is not well formed ({e})"),
                })
            }
        }
    }

    let mut rows: Vec<usize> = Vec::new();
    let mut paras: Vec<Para> = Vec::new();
    let mut open_t: Option<usize> = None;
    // paragraph ranges and what replaces events
    let mut whole: Vec<(usize, usize, String)> = Vec::new(); // (start, end, raw)
    let mut text_at: HashMap<usize, String> = HashMap::new(); // text event -> raw
    let mut preserve: std::collections::HashSet<usize> = Default::default(); // <w:t> starts to mark
    let mut row_ends: HashMap<usize, usize> = HashMap::new(); // row start -> end
    let mut row_tags: Vec<(usize, String)> = Vec::new(); // (row start, raw)

    for i in 0..events.len() {
        match &events[i] {
            Event::Start(s) => match s.name().as_ref() {
                b"w:tr" => rows.push(i),
                b"w:p" => paras.push(Para {
                    start: i,
                    row: rows.last().copied(),
                    texts: Vec::new(),
                }),
                b"w:t" => {
                    open_t = Some(i);
                    if let Some(p) = paras.last_mut() {
                        p.texts.push((i, None));
                    }
                }
                _ => {}
            },
            Event::Text(_) if open_t.is_some() => {
                if let Some(p) = paras.last_mut() {
                    match p.texts.last_mut() {
                        Some(last) if last.1.is_none() => last.1 = Some(i),
                        // a second text event in one <w:t>: keep them apart
                        Some(last) => {
                            let t = last.0;
                            p.texts.push((t, Some(i)));
                        }
                        None => {}
                    }
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => open_t = None,
                b"w:tr" => {
                    if let Some(start) = rows.pop() {
                        row_ends.insert(start, i);
                    }
                }
                b"w:p" => {
                    if let Some(p) = paras.pop() {
                        paragraph(
                            &events,
                            &p,
                            i,
                            &mut whole,
                            &mut text_at,
                            &mut preserve,
                            &mut row_tags,
                        )?;
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    for (row, raw) in row_tags {
        if let Some(end) = row_ends.get(&row) {
            whole.push((row, *end, raw));
        }
    }
    // outer replacements first where two start together; inner ones are
    // skipped with their outer one
    whole.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let whole: HashMap<usize, (usize, String)> = {
        let mut m = HashMap::new();
        for (s, e, raw) in whole {
            m.entry(s).or_insert((e, raw));
        }
        m
    };

    let mut writer = quick_xml::Writer::new(Vec::new());
    let mut i = 0;
    while i < events.len() {
        if let Some((end, raw)) = whole.get(&i) {
            let _ = writer.write_event(Event::Text(BytesText::from_escaped(raw.as_str())));
            i = end + 1;
            continue;
        }
        let event = match (&events[i], text_at.get(&i)) {
            (_, Some(raw)) => Event::Text(BytesText::from_escaped(raw.as_str())),
            (Event::Start(s), None) if preserve.contains(&i) => Event::Start(preserved(s)),
            (e, None) => e.clone(),
        };
        let _ = writer.write_event(event);
        i += 1;
    }
    String::from_utf8(writer.into_inner()).map_err(|e| Broken {
        tag: String::new(),
        why: e.to_string(),
    })
}

/// `<w:t>` with `xml:space="preserve"`, so that the spaces a value brings
/// are kept.
fn preserved(s: &BytesStart) -> BytesStart<'static> {
    let mut out = BytesStart::new("w:t");
    for a in s.attributes().flatten() {
        if a.key.as_ref() != b"xml:space" {
            out.push_attribute(a);
        }
    }
    out.push_attribute(("xml:space", "preserve"));
    out
}

/// Merge one paragraph's runs around its placeholders.
#[allow(clippy::too_many_arguments)]
fn paragraph(
    events: &[Event],
    p: &Para,
    end: usize,
    whole: &mut Vec<(usize, usize, String)>,
    text_at: &mut HashMap<usize, String>,
    preserve: &mut std::collections::HashSet<usize>,
    row_tags: &mut Vec<(usize, String)>,
) -> Result<(), Broken> {
    // the text of each text event, unescaped
    let mut pieces: Vec<(usize, usize, String)> = Vec::new(); // (t start, event, text)
    for (t, ev) in &p.texts {
        let Some(ev) = ev else { continue };
        let Event::Text(text) = &events[*ev] else {
            continue;
        };
        let s = text.unescape().map_err(|e| Broken {
            tag: String::new(),
            why: format!("the XML is not well formed ({e})"),
        })?;
        pieces.push((*t, *ev, s.into_owned()));
    }
    let joined: String = pieces.iter().map(|p| p.2.as_str()).collect();
    if !TAGS.iter().any(|(open, _)| joined.contains(open)) {
        return Ok(());
    }
    // which piece each byte of the joined text is in
    let mut owner: Vec<usize> = Vec::with_capacity(joined.len());
    for (k, piece) in pieces.iter().enumerate() {
        owner.extend(std::iter::repeat_n(k, piece.2.len()));
    }
    // the placeholders' spans
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while at < joined.len() {
        let next = TAGS
            .iter()
            .filter_map(|(open, close)| joined[at..].find(open).map(|o| (at + o, *close)))
            .min_by_key(|(o, _)| *o);
        let Some((start, close)) = next else { break };
        let Some(len) = joined[start + 2..].find(close) else {
            return Err(Broken {
                tag: joined[start..].chars().take(80).collect(),
                why: format!("it has no closing {close}"),
            });
        };
        let end = start + 2 + len + 2;
        spans.push((start, end));
        at = end;
    }
    // a paragraph or row tag replaces its paragraph or row
    for &(s, e) in &spans {
        let tag = &joined[s..e];
        if let Some(rest) = tag
            .strip_prefix("{%p")
            .filter(|r| r.starts_with(char::is_whitespace))
        {
            whole.push((p.start, end, format!("{{%{rest}")));
            return Ok(());
        }
        if let Some(rest) = tag
            .strip_prefix("{%tr")
            .filter(|r| r.starts_with(char::is_whitespace))
        {
            let Some(row) = p.row else {
                return Err(Broken {
                    tag: tag.to_string(),
                    why: "a {%tr %} tag must be in a table row".into(),
                });
            };
            row_tags.push((row, format!("{{%{rest}")));
            return Ok(());
        }
    }
    // every byte of a placeholder belongs to the piece where it begins
    for &(s, e) in &spans {
        let first = owner[s];
        for o in &mut owner[s..e] {
            *o = first;
        }
    }
    let in_tag = |b: usize| spans.iter().any(|&(s, e)| b >= s && b < e);
    let mut raw: Vec<String> = vec![String::new(); pieces.len()];
    let mut buf = [0u8; 4];
    for (b, c) in joined.char_indices() {
        let k = owner[b];
        if in_tag(b) {
            raw[k].push(c);
        } else {
            raw[k].push_str(&quick_xml::escape::escape(&*c.encode_utf8(&mut buf)));
        }
    }
    for (k, (t, ev, _)) in pieces.iter().enumerate() {
        text_at.insert(*ev, std::mem::take(&mut raw[k]));
        preserve.insert(*t);
    }
    Ok(())
}
