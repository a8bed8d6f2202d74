//! The text of a rendered (sanitised) body, as a browser's `textContent` gives it, cut
//! at its headings so matches can link to the heading they stand under.

use super::{Anchor, Part, Role};

/// Whether a line break after this tag keeps excerpts readable (whitespace never matters
/// for matching): block elements and `br`, `hr`, in any case.
fn is_block(name: &[u8]) -> bool {
    // Compared lower-cased in a small buffer: every `<span>` of highlighted code asks,
    // and a comparison per listed name was a measurable share of reading a body.
    let mut lower = [0u8; 10];
    let Some(buf) = lower.get_mut(..name.len()) else {
        return false;
    };
    for (l, c) in buf.iter_mut().zip(name) {
        *l = c.to_ascii_lowercase();
    }
    matches!(
        &*buf,
        b"p" | b"li"
            | b"tr"
            | b"td"
            | b"th"
            | b"br"
            | b"div"
            | b"dt"
            | b"dd"
            | b"pre"
            | b"blockquote"
            | b"table"
            | b"ul"
            | b"ol"
            | b"dl"
            | b"figure"
            | b"figcaption"
            | b"section"
            | b"hr"
            | b"caption"
            | b"details"
            | b"summary"
    )
}

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
    // Tags and references only: text between them is copied in one piece.
    while let Some(at) = memchr::memchr2(b'<', b'&', &b[i..]) {
        i += at;
        text.push_str(&html[run..i]);
        if b[i] == b'&' {
            i += push_reference(&html[i..], &mut text);
            run = i;
            continue;
        }
        // On a page with code, highlighted code's spans are most of its body's tags: they
        // neither break lines nor start headings, so they are skipped before any other
        // reading of a tag.
        if b[i..].starts_with(b"</span>") {
            i += 7;
            run = i;
            continue;
        }
        if b[i..].starts_with(b"<span class=\"") {
            let value = i + 13;
            if let Some(q) = memchr::memchr(b'"', &b[value..]) {
                if b.get(value + q + 1) == Some(&b'>') {
                    i = value + q + 2;
                    run = i;
                    continue;
                }
            }
        }
        if b[i..].starts_with(b"<!--") {
            i = memchr::memmem::find(&b[i..], b"-->").map_or(b.len(), |e| i + e + 3);
            run = i;
            continue;
        }
        let end = find_tag_end(b, i);
        let tag = &b[i + 1..end.saturating_sub(1).max(i + 1)];
        let closing = tag.first() == Some(&b'/');
        let bare = &tag[tag.iter().take_while(|&&c| c == b'/').count()..];
        let name = &bare[..bare
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .unwrap_or(bare.len())];
        let level = match name {
            [b'h' | b'H', l @ b'1'..=b'6'] => Some(*l),
            _ => None,
        };
        if !closing && name.eq_ignore_ascii_case(b"svg") {
            // Pictures are not searched: their text repeats the table each comes with.
            i = memchr::memmem::find(&b[i..], b"</svg>").map_or(b.len(), |e| i + e + 6);
            run = i;
            continue;
        }
        match level {
            Some(l) if !closing => {
                // (An unclosed tag at the very end may stop inside a character.)
                let tag = html
                    .get(i + 1..end.saturating_sub(1).max(i + 1))
                    .unwrap_or("");
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
            None if is_block(name) => text.push('\n'),
            None => {}
        }
        i = end;
        run = i;
    }
    text.push_str(&html[run..]);
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
    // Jumping from one `>` or quote to the next: every `<span class="...">` of
    // highlighted code was otherwise read a byte at a time.
    let mut i = start + 1;
    while let Some(at) = memchr::memchr3(b'>', b'"', b'\'', &b[i.min(b.len())..]) {
        let at = i + at;
        if b[at] == b'>' {
            return at + 1;
        }
        match memchr::memchr(b[at], &b[at + 1..]) {
            Some(close) => i = at + 1 + close + 1,
            None => return b.len(),
        }
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

/// Appends `s` with its character references decoded.
fn decode_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        rest = &rest[push_reference(rest, out)..];
    }
    out.push_str(rest);
}

/// Appends the character of the reference `s` starts with (at its `&`), or the `&`
/// itself when none is there; returns the bytes read. The sanitiser keeps only valid
/// references; the named ones a Markdown author is likely to type are known here.
fn push_reference(s: &str, out: &mut String) -> usize {
    // A reference is short; bytes, since the 40th may fall inside a character.
    let Some(semi) = s.bytes().take(40).position(|b| b == b';') else {
        out.push('&');
        return 1;
    };
    let body = &s[1..semi];
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
            semi + 1
        }
        None => {
            out.push('&');
            1
        }
    }
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
    fn a_heading_tag_cut_off_inside_a_character_is_no_panic() {
        // The tag's text is sliced one byte short of its end, which no `>` marks here.
        let parts = body_parts("<p>前</p><h2 id=\"見出し\"");
        assert_eq!(parts[0].text.trim(), "前");
        assert!(body_parts("<h3 id=あ").len() <= 1);
    }

    #[test]
    fn block_tags_break_lines_in_any_case() {
        let text: String = body_parts("<P>一</P><Li>二</lI><span>三</span><td>四")
            .iter()
            .map(|p| p.text.clone())
            .collect();
        assert_eq!(text, "\n一\n\n二\n三\n四");
    }

    #[test]
    fn pictures_are_left_out() {
        let parts =
            body_parts("<p>表</p><svg role=\"img\"><title>図</title><text>1</text></svg><p>後</p>");
        let text: String = parts.iter().map(|p| p.text.trim()).collect();
        assert_eq!(text.split_whitespace().collect::<String>(), "表後");
    }

    #[test]
    fn highlighted_spans_read_as_any_other_tag() {
        // Spans take a short cut; the same markup spelled `SPAN` takes the general path.
        let cases = [
            "<pre><code><span class=\"hl-a\">{</span>\n  <span class=\"hl-b\">&quot;k&quot;</span>:</code></pre>",
            "<span class=\"a\" title=\"x\">一</span><span class=\"a>b\">二</span>三",
            "<span class=\"a\"><h2 id=\"見\">見</h2></span><span class=\"b\"/>後",
            "前<span class=\"never closed>後</span>",
            "前<span class=\"a\"",
            "前</span",
        ];
        for html in cases {
            let general = html.replace("span", "SPAN");
            let raw = |html: &str| -> Vec<(String, Role, Option<String>)> {
                body_parts(html)
                    .into_iter()
                    .map(|p| (p.text, p.role, p.anchor.map(|a| a.id)))
                    .collect()
            };
            assert_eq!(raw(html), raw(&general), "{html}");
        }
        let text: String = body_parts(cases[0])
            .iter()
            .map(|p| p.text.clone())
            .collect();
        assert_eq!(text, "\n{\n  \"k\":\n");
    }

    #[test]
    fn quoted_greater_than_does_not_end_a_tag() {
        let parts = body_parts("<a href=\"x\" title=\"a>b\">リンク</a>");
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].text, "リンク");
        let parts = body_parts("<a title='a>\"b' data-x=\"'>\">リンク</a>後");
        assert_eq!(parts[0].text, "リンク後");
        // A quote never closed runs to the end: nothing after it is text.
        let parts = body_parts("前<a title=\"a>リンク</a>");
        assert_eq!(parts[0].text, "前");
    }
}
