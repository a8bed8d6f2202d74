//! The text of a rendered (sanitised) body, as a browser's `textContent` gives it, cut
//! at its headings so matches can link to the heading they stand under.

use super::{Anchor, Part, Role};

/// Tags after which a line break keeps excerpts readable; whitespace never matters for
/// matching.
const BLOCKS: [&str; 22] = [
    "p",
    "li",
    "tr",
    "td",
    "th",
    "br",
    "div",
    "dt",
    "dd",
    "pre",
    "blockquote",
    "table",
    "ul",
    "ol",
    "dl",
    "figure",
    "figcaption",
    "section",
    "hr",
    "caption",
    "details",
    "summary",
];

/// The parts of a body: text between headings, and each heading (with its `id`) as a
/// part of its own.
pub fn body_parts(html: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut text = String::new();
    // (heading level, id)
    let mut heading: Option<(u8, String)> = None;
    let b = html.as_bytes();
    let mut i = 0;
    let mut run = 0;
    // Tags only: text between them is copied in one piece.
    while let Some(lt) = html[i..].find('<') {
        i += lt;
        decode_into(&html[run..i], &mut text);
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            run = i;
            continue;
        }
        let end = find_tag_end(b, i);
        let tag = &html[i + 1..end.saturating_sub(1).max(i + 1)];
        let closing = tag.starts_with('/');
        let bare = tag.trim_start_matches('/');
        let name = &bare[..bare
            .bytes()
            .position(|c| !c.is_ascii_alphanumeric())
            .unwrap_or(bare.len())];
        let level = match name.as_bytes() {
            [b'h' | b'H', l @ b'1'..=b'6'] => Some(*l),
            _ => None,
        };
        if name.eq_ignore_ascii_case("svg") && !closing {
            // Pictures are not searched: their text repeats the table each comes with.
            i = html[i..].find("</svg>").map_or(b.len(), |e| i + e + 6);
            run = i;
            continue;
        }
        match level {
            Some(l) if !closing => {
                if let Some(id) = attribute(tag, "id") {
                    push_part(&mut parts, &mut text, Role::Text, None);
                    heading = Some((l, id));
                }
            }
            Some(l) => {
                if let Some((open, id)) = heading.take() {
                    if open == l {
                        push_part(&mut parts, &mut text, Role::Heading, Some(anchor(id)));
                    } else {
                        heading = Some((open, id));
                    }
                }
            }
            None if BLOCKS.iter().any(|b| name.eq_ignore_ascii_case(b)) => text.push('\n'),
            None => {}
        }
        i = end;
        run = i;
    }
    decode_into(&html[run..], &mut text);
    match heading {
        Some((_, id)) => push_part(&mut parts, &mut text, Role::Heading, Some(anchor(id))),
        None => push_part(&mut parts, &mut text, Role::Text, None),
    }
    parts
}

fn anchor(id: String) -> Anchor {
    Anchor {
        id,
        label: String::new(),
    }
}

fn push_part(parts: &mut Vec<Part>, text: &mut String, role: Role, anchor: Option<Anchor>) {
    let t = std::mem::take(text);
    if t.trim().is_empty() && anchor.is_none() {
        return;
    }
    parts.push(Part {
        text: t,
        role,
        anchor,
    });
}

/// The index just past the `>` closing the tag that starts at `start`, skipping quoted
/// attribute values.
fn find_tag_end(b: &[u8], start: usize) -> usize {
    let mut quote = 0u8;
    let mut i = start + 1;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let pattern = format!(" {name}=\"");
    let at = tag.find(&pattern)? + pattern.len();
    let len = tag[at..].find('"')?;
    let mut out = String::new();
    decode_into(&tag[at..at + len], &mut out);
    Some(out)
}

/// Appends `s` with its character references decoded. The sanitiser keeps only valid
/// references; the named ones a Markdown author is likely to type are known here.
fn decode_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // A reference is short; bytes, since the 40th may fall inside a character.
        let Some(semi) = rest.bytes().take(40).position(|b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let body = &rest[1..semi];
        let decoded = if let Some(num) = body.strip_prefix('#') {
            let n = if let Some(hex) = num.strip_prefix(['x', 'X']) {
                u32::from_str_radix(hex, 16).ok()
            } else {
                num.parse::<u32>().ok()
            };
            n.map(|n| {
                char::from_u32(n)
                    .filter(|&c| c != '\0')
                    .unwrap_or('\u{FFFD}')
            })
        } else {
            named(body)
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "shy" => '\u{AD}',
        "zwj" => '\u{200D}',
        "zwnj" => '\u{200C}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "yen" => '¥',
        "times" => '×',
        "divide" => '÷',
        "deg" => '°',
        "plusmn" => '±',
        "middot" => '·',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "minus" => '−',
        "larr" => '←',
        "rarr" => '→',
        "uarr" => '↑',
        "darr" => '↓',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "sect" => '§',
        "para" => '¶',
        "bull" => '•',
        "laquo" => '«',
        "raquo" => '»',
        "micro" => 'µ',
        "euro" => '€',
        "pound" => '£',
        "cent" => '¢',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(parts: &[Part]) -> Vec<(String, Role, Option<String>)> {
        parts
            .iter()
            .map(|p| {
                (
                    p.text.split_whitespace().collect::<Vec<_>>().join(" "),
                    p.role,
                    p.anchor.as_ref().map(|a| a.id.clone()),
                )
            })
            .collect()
    }

    #[test]
    fn an_ampersand_before_long_japanese_text_is_no_panic() {
        // A `;` only after the 40th byte, which falls inside a character: the slice
        // that looked for it there panicked while indexing a code block like this.
        for pad in 0..4 {
            let html = format!(
                "<pre><code>{}&quot;&quot;&quot;調査票情報を読み込む&quot;\n& 調査票情報を読み込む人口動態調査;</code></pre>",
                "x".repeat(pad)
            );
            let text: String = body_parts(&html).iter().map(|p| p.text.clone()).collect();
            assert!(text.contains("\"\"\"調査票情報を読み込む\""), "{text}");
            assert!(
                text.contains("& 調査票情報を読み込む人口動態調査;"),
                "{text}"
            );
        }
    }

    #[test]
    fn cuts_at_headings_and_decodes_references() {
        let html = "<p>前文 &amp; 1&lt;2&#x3042;&#12356;</p>\n<h2 id=\"調査内容\">調査<em>内容</em></h2>\n<p>本文<!-- 注 --><br>続き&nbsp;x</p>";
        let parts = body_parts(html);
        assert_eq!(
            texts(&parts),
            vec![
                ("前文 & 1<2あい".to_string(), Role::Text, None),
                (
                    "調査内容".to_string(),
                    Role::Heading,
                    Some("調査内容".to_string())
                ),
                ("本文 続き x".to_string(), Role::Text, None),
            ]
        );
    }

    #[test]
    fn pictures_are_left_out() {
        let parts =
            body_parts("<p>表</p><svg role=\"img\"><title>図</title><text>1</text></svg><p>後</p>");
        let text: String = parts.iter().map(|p| p.text.trim()).collect();
        assert_eq!(text.split_whitespace().collect::<String>(), "表後");
    }

    #[test]
    fn quoted_greater_than_does_not_end_a_tag() {
        let parts = body_parts("<a href=\"x\" title=\"a>b\">リンク</a>");
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].text, "リンク");
    }
}
