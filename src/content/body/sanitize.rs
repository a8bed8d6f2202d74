//! Allowlist sanitiser for raw HTML that editors write inside Markdown.
//!
//! pulldown-cmark hands raw HTML through untouched as `Event::Html` /
//! `Event::InlineHtml` fragments. Editors are not programmers and paste HTML
//! from anywhere, so every such fragment goes through [`sanitize_html`] before
//! it reaches a page. The site must never emit scripts, event handlers,
//! `javascript:` URLs, styles, iframes or forms.
//!
//! # Design
//!
//! This is a re-serialiser, not a filter. The fragment is tokenised here, and
//! the output is built only from what this module itself produces:
//!
//! * tags from a fixed allowlist, written back with a lower-case name and only
//!   allowlisted attributes, every value double-quoted and escaped;
//! * everything else as escaped text.
//!
//! Nothing from the input is copied through unless it has been recognised, so
//! a construct the tokeniser does not understand cannot smuggle markup out: at
//! worst it shows up on the page as visible text, which also tells the editor
//! that something was wrong. Filters that delete "bad" substrings from the
//! input are not safe in this way, because what remains can be reassembled
//! into something dangerous.
//!
//! Tags that are dangerous rather than merely unknown (`<script>`, `<style>`,
//! `<iframe>`, ...) are dropped instead of shown, and for the elements whose
//! content is code or otherwise meaningless on the page, the content up to the
//! matching close tag is dropped too, so a pasted script does not appear as
//! text in the middle of an article.
//!
//! [`sanitize_html`] is stateless: it cannot balance tags or see a close tag in
//! a later fragment. pulldown-cmark delivers an HTML *block* as one event per
//! line, so callers that want a multi-line comment or `<script>` block removed
//! as a whole should join the lines of the block before calling.
//!
//! [`sanitize_html_in`] is the same sanitiser with the elements a body has
//! opened so far ([`OpenElements`]) carried from fragment to fragment: an end
//! tag closes only what the body itself opened (a stray `</div>` would close the
//! page around the body), and [`OpenElements::close_to`] closes what the body
//! left open. An unclosed `<a href=…>` would otherwise turn the rest of the page,
//! footer included, into one link: browsers re-open formatting elements in every
//! following block. It also hands every relative `href`/`src` to the caller, which
//! rewrites and checks it as it does Markdown links (`.md` targets become page URLs).
//!
//! Every scan only moves forward, and the few searches that can fail are
//! remembered, so running time is linear in the fragment length whatever the
//! input (`<<<<…`, a megabyte of `<a `, unterminated quotes or comments).
//!
//! # Why not ammonia
//!
//! ammonia over html5ever was measured in its place (issue 11; docs/performance.md):
//! one pass per body with raw HTML made a 10,000-page build with raw HTML on every
//! page 30 % slower (the Markdown stage 8.0 s → 11.9 s, median of 5), against 3 %
//! allowed. It balances tags silently, so editors would lose W009 (which element was
//! never closed, and where), unknown tags would vanish instead of showing as text, and
//! every body with raw HTML would be serialised anew (changed bytes). This module
//! keeps the balancing visible and costs nothing for bodies without raw HTML.

/// Elements that are re-serialised as tags. Anything else is either dropped
/// ([`DROPPED`]) or shown as text.
const ALLOWED: &[&str] = &[
    "a",
    "abbr",
    "b",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Allowed elements without content; written as `<br />` to match the
/// markup pulldown-cmark itself produces, and their end tags are dropped
/// (browsers turn a stray `</br>` into a line break).
const VOID: &[&str] = &["br", "hr", "img", "wbr"];

/// Elements whose tags are removed silently: showing `<script>` as text
/// would only confuse readers, and none of them has a harmless use here.
const DROPPED: &[&str] = &[
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "textarea",
    "svg",
    "math",
    "template",
    "noscript",
    "xmp",
    "plaintext",
    "title",
    "base",
    "meta",
    "link",
];

/// Subset of [`DROPPED`] whose content is removed as well, when the close
/// tag is in the same fragment: their content is code, or text that a
/// browser would never have shown in the page body.
const CONTENT_DROPPED: &[&str] = &[
    "script", "style", "template", "iframe", "noscript", "xmp", "textarea", "title",
];

/// Attributes allowed on every allowed element.
const GLOBAL_ATTRS: &[&str] = &["id", "class", "title", "lang", "dir"];

/// URL schemes that cannot run code in the page.
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Sanitises one raw-HTML fragment. Stateless: every call stands alone.
///
/// The result contains only allowlisted tags and attributes re-serialised by
/// this module, plus escaped text; see the module documentation for the
/// rules.
pub fn sanitize_html(fragment: &str) -> String {
    Sanitizer::new(fragment).run()
}

/// Elements that a body's raw HTML opened and did not close yet, innermost last,
/// each with the position (chosen by the caller) of the fragment that opened it.
#[derive(Debug, Default)]
pub struct OpenElements {
    stack: Vec<(&'static str, usize)>,
}

/// Elements the HTML parser closes by itself at the next block or at the end of
/// their parent: an explicit end tag after that would create an empty element.
const CLOSED_IMPLICITLY: &[&str] = &["p", "li", "dt", "dd", "rt", "rp"];

impl OpenElements {
    /// How many elements are open: a mark for [`OpenElements::close_to`].
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// End tags for every element opened after `mark`, innermost first, and which
    /// elements they close (name and position), so the caller can tell the editor.
    pub fn close_to(&mut self, mark: usize) -> (String, Vec<(&'static str, usize)>) {
        let mut html = String::new();
        let mut closed = Vec::new();
        while self.stack.len() > mark {
            let Some((name, at)) = self.stack.pop() else {
                break;
            };
            if !CLOSED_IMPLICITLY.contains(&name) {
                html.push_str("</");
                html.push_str(name);
                html.push('>');
                closed.push((name, at));
            }
        }
        (html, closed)
    }

    /// Like [`OpenElements::close_to`], for the phrasing elements (links, emphasis,
    /// spans) on top of the stack only: a block's own `<div>` stays open.
    pub fn close_phrasing_to(&mut self, mark: usize) -> (String, Vec<(&'static str, usize)>) {
        let mut end = self.stack.len();
        while end > mark && PHRASING.contains(&self.stack[end - 1].0) {
            end -= 1;
        }
        self.close_to(end)
    }
}

/// Allowed elements that live inside a line of text.
const PHRASING: &[&str] = &[
    "a", "abbr", "b", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "rp",
    "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// Rewrites a relative link target (decoded) found at a byte offset of the fragment.
pub type LinkRewriter<'r> = dyn FnMut(&str, usize) -> String + 'r;

/// Sanitises one fragment of a body whose open elements are tracked in `open`;
/// `at` is recorded with every element this fragment opens. Every relative `href` of
/// an `<a>` and `src` of an `<img>` (no scheme, not `//host`) goes through `link`,
/// with its character references decoded and its byte offset in `fragment`, and is
/// written as `link` returns it: the body's own links are rewritten and checked
/// exactly like Markdown links, so raw `<a href="../laws/x.md">` reaches the page
/// and a missing target is an error.
pub fn sanitize_html_in(
    fragment: &str,
    open: &mut OpenElements,
    at: usize,
    link: &mut LinkRewriter,
) -> String {
    let mut sanitizer = Sanitizer::new(fragment);
    sanitizer.open = Some((open, at));
    sanitizer.link = Some(link);
    sanitizer.run()
}

/// One start or end tag as it appeared in the source.
struct Tag<'a> {
    name: &'a str,
    is_end: bool,
    attrs: Vec<(&'a str, Option<&'a str>)>,
    /// Byte offset just past the closing `>`.
    end: usize,
}

struct Sanitizer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    out: String,
    /// A failed search for `-->` from offset `p` also fails from any later
    /// offset; remembering it keeps `<!--<!--<!--…` linear.
    no_comment_end_from: usize,
    /// Same idea per [`CONTENT_DROPPED`] element, for `<script><script>…`.
    no_close_tag_from: [usize; CONTENT_DROPPED.len()],
    /// The body's open elements, when balancing (see [`sanitize_html_in`]).
    open: Option<(&'a mut OpenElements, usize)>,
    /// Rewrites relative link targets (see [`sanitize_html_in`]).
    link: Option<&'a mut LinkRewriter<'a>>,
}

impl<'a> Sanitizer<'a> {
    fn new(src: &'a str) -> Self {
        Sanitizer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            // Escaping rarely grows a fragment much; avoid early reallocation.
            out: String::with_capacity(src.len() + src.len() / 8),
            no_comment_end_from: usize::MAX,
            no_close_tag_from: [usize::MAX; CONTENT_DROPPED.len()],
            open: None,
            link: None,
        }
    }

    fn run(mut self) -> String {
        let len = self.bytes.len();
        while self.pos < len {
            let next = find_byte(self.bytes, self.pos, b'<').unwrap_or(len);
            push_escaped(&mut self.out, &self.src[self.pos..next]);
            self.pos = next;
            if next < len {
                self.at_lt();
            }
        }
        self.out
    }

    /// Handles whatever starts at the `<` under `self.pos`, and always
    /// advances `self.pos` by at least one byte.
    fn at_lt(&mut self) {
        let start = self.pos;
        let rest = &self.bytes[start..];
        if rest.starts_with(b"<!--") {
            self.comment(start + 4);
            return;
        }
        let next = rest.get(1).copied().unwrap_or(0);
        if next == b'/' || next.is_ascii_alphabetic() {
            match self.parse_tag(start) {
                Ok(tag) => self.emit_tag(start, &tag),
                Err(resume) => {
                    // Show the part that failed to parse and restart the scan
                    // where it failed, never before: rescanning from `start`
                    // would make chains of broken tags quadratic.
                    push_escaped(&mut self.out, &self.src[start..resume]);
                    self.pos = resume;
                }
            }
            return;
        }
        // `<` followed by space, digit, `!`, `?`, another `<`, ...: doctypes,
        // processing instructions, CDATA and plain comparisons are all text.
        self.out.push_str("&lt;");
        self.pos = start + 1;
    }

    /// `body` is the offset just after `<!--`.
    fn comment(&mut self, body: usize) {
        let rest = &self.bytes[body..];
        // `<!-->` and `<!--->` are complete (empty) comments in HTML.
        if rest.starts_with(b">") {
            self.pos = body + 1;
            return;
        }
        if rest.starts_with(b"->") {
            self.pos = body + 2;
            return;
        }
        if body < self.no_comment_end_from {
            if let Some(k) = find_bytes(self.bytes, body, b"-->") {
                self.pos = k + 3;
                return;
            }
            self.no_comment_end_from = body;
        }
        // Unterminated: show the opener and treat the rest as ordinary input,
        // rather than letting one typo swallow the remainder of the fragment.
        self.out.push_str("&lt;!--");
        self.pos = body;
    }

    /// Parses a start or end tag at `start` (which holds `<`). On failure
    /// returns the offset where scanning should resume; it is always past
    /// `start` and on an ASCII byte or the end, so it is a char boundary.
    fn parse_tag(&self, start: usize) -> Result<Tag<'a>, usize> {
        let b = self.bytes;
        let len = b.len();
        let mut i = start + 1;
        let is_end = b[i] == b'/';
        if is_end {
            i += 1;
        }
        if i >= len || !b[i].is_ascii_alphabetic() {
            return Err(i);
        }
        let name_start = i;
        while i < len && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        let name = &self.src[name_start..i];
        let mut attrs = Vec::new();
        // Set after a name or value: HTML needs a separator before the next
        // attribute, and `<a"b>` must not parse as a tag.
        let mut need_sep = true;
        loop {
            let Some(&c) = b.get(i) else {
                return Err(len);
            };
            match c {
                b'>' => {
                    return Ok(Tag {
                        name,
                        is_end,
                        attrs,
                        end: i + 1,
                    });
                }
                b'/' if b.get(i + 1) == Some(&b'>') => {
                    return Ok(Tag {
                        name,
                        is_end,
                        attrs,
                        end: i + 2,
                    });
                }
                // A lone `/` separates attributes like whitespace does in
                // browsers, which is what makes `<svg/onload=…>` a tag.
                b'/' => {
                    i += 1;
                    need_sep = false;
                }
                _ if is_html_space(c) => {
                    i += 1;
                    need_sep = false;
                }
                _ if need_sep => return Err(i),
                b'"' | b'\'' | b'<' | b'=' | b'`' => return Err(i),
                _ => {
                    let attr_start = i;
                    while i < len && !ends_attr_name(b[i]) {
                        i += 1;
                    }
                    let attr_name = &self.src[attr_start..i];
                    let mut j = skip_spaces(b, i);
                    let mut value = None;
                    if b.get(j) == Some(&b'=') {
                        j = skip_spaces(b, j + 1);
                        let Some(&v) = b.get(j) else {
                            return Err(len);
                        };
                        match v {
                            b'"' | b'\'' => match find_byte(b, j + 1, v) {
                                Some(k) => {
                                    value = Some(&self.src[j + 1..k]);
                                    i = k + 1;
                                }
                                // Resume after the quote: no later byte can
                                // close it, so this search never repeats.
                                None => return Err(j + 1),
                            },
                            b'>' => {
                                value = Some("");
                                i = j;
                            }
                            _ => {
                                let mut k = j;
                                while k < len && !is_html_space(b[k]) && b[k] != b'>' {
                                    if matches!(b[k], b'"' | b'\'' | b'<' | b'`') {
                                        return Err(k);
                                    }
                                    k += 1;
                                }
                                value = Some(&self.src[j..k]);
                                i = k;
                            }
                        }
                    }
                    attrs.push((attr_name, value));
                    need_sep = true;
                }
            }
        }
    }

    fn emit_tag(&mut self, start: usize, tag: &Tag<'a>) {
        self.pos = tag.end;
        if let Some(name) = lookup(ALLOWED, tag.name) {
            let is_void = VOID.contains(&name);
            if let (Some((open, at)), false) = (self.open.as_mut(), is_void) {
                if !tag.is_end {
                    open.stack.push((name, *at));
                } else if let Some(k) = open.stack.iter().rposition(|(n, _)| *n == name) {
                    // Elements opened inside it end with it, as in the browser.
                    open.stack.truncate(k);
                } else {
                    // Not opened by this body: it would close the page's own markup.
                    return;
                }
            }
            if tag.is_end {
                if !is_void {
                    self.out.push_str("</");
                    self.out.push_str(name);
                    self.out.push('>');
                }
            } else {
                self.emit_start_tag(name, &tag.attrs, is_void);
            }
        } else if let Some(name) = lookup(DROPPED, tag.name) {
            if !tag.is_end {
                self.drop_content(name);
            }
        } else {
            // Unknown but well-formed (`<center>`, `<h1>`): the editor sees
            // exactly what they typed.
            push_escaped(&mut self.out, &self.src[start..tag.end]);
        }
    }

    fn emit_start_tag(&mut self, name: &'static str, attrs: &[(&str, Option<&str>)], void: bool) {
        self.out.push('<');
        self.out.push_str(name);
        // Browsers keep the first of duplicate attributes; doing the same
        // means the checked value is the one that takes effect. Only allowed
        // names are tracked, so this stays small however many attributes
        // the tag has.
        let mut seen: Vec<&'static str> = Vec::new();
        for &(raw_name, raw_value) in attrs {
            let Some(attr) = allowed_attr(name, raw_name) else {
                continue;
            };
            if seen.contains(&attr) {
                continue;
            }
            seen.push(attr);
            if attr == "open" {
                self.out.push_str(" open");
                continue;
            }
            let mut value = String::new();
            match (self.link.as_mut(), raw_value) {
                (Some(link), Some(raw)) if matches!(attr, "href" | "src") => {
                    let url = decode_refs(raw);
                    let url = url.trim_matches(|c: char| c.is_ascii_whitespace());
                    if is_relative(url) {
                        let offset = raw.as_ptr() as usize - self.src.as_ptr() as usize;
                        push_escaped(&mut value, &link(url, offset));
                    } else {
                        push_escaped(&mut value, raw);
                    }
                }
                _ => push_escaped(&mut value, raw_value.unwrap_or("")),
            }
            // Checked on the escaped form because that is exactly what the
            // browser will decode.
            if matches!(attr, "href" | "src") && !url_is_safe(&value) {
                continue;
            }
            self.out.push(' ');
            self.out.push_str(attr);
            self.out.push_str("=\"");
            self.out.push_str(&value);
            self.out.push('"');
        }
        self.out.push_str(if void { " />" } else { ">" });
    }

    /// Called after a dropped start tag; skips to just past the matching end
    /// tag when there is one.
    fn drop_content(&mut self, name: &str) {
        let Some(idx) = CONTENT_DROPPED.iter().position(|&n| n == name) else {
            return;
        };
        if self.pos >= self.no_close_tag_from[idx] {
            return;
        }
        match find_close_tag(self.bytes, self.pos, name) {
            Some(end) => self.pos = end,
            None => self.no_close_tag_from[idx] = self.pos,
        }
    }
}

/// Finds `</name` (any case) at or after `from` and returns the offset just
/// past its `>`, or the end of input when the `>` is missing (the content is
/// being discarded anyway).
fn find_close_tag(b: &[u8], from: usize, name: &str) -> Option<usize> {
    let name = name.as_bytes();
    let mut i = from;
    while let Some(lt) = find_byte(b, i, b'<') {
        let after = lt + 2 + name.len();
        if b.get(lt + 1) == Some(&b'/')
            && b.len() >= after
            && b[lt + 2..after].eq_ignore_ascii_case(name)
            && b.get(after)
                .is_none_or(|&c| is_html_space(c) || c == b'/' || c == b'>')
        {
            return Some(find_byte(b, after, b'>').map_or(b.len(), |k| k + 1));
        }
        i = lt + 1;
    }
    None
}

/// Case-insensitive membership test returning the canonical lower-case name,
/// so output never echoes the editor's casing.
fn lookup(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|n| n.eq_ignore_ascii_case(name))
}

fn allowed_attr(element: &str, attr: &str) -> Option<&'static str> {
    let specific: &[&'static str] = match element {
        "a" => &["href"],
        "img" => &["src", "alt", "width", "height"],
        "td" | "th" => &["colspan", "rowspan", "scope"],
        "ol" => &["start"],
        "time" => &["datetime"],
        "details" => &["open"],
        // abbr/dfn also want `title`, which is already global.
        _ => &[],
    };
    lookup(GLOBAL_ATTRS, attr).or_else(|| lookup(specific, attr))
}

/// Decides whether an (already escaped) `href`/`src` value may be emitted.
///
/// Browsers decode character references in attributes and then the URL
/// parser ignores tabs, newlines and leading control characters, which is
/// how `jav&#x09;ascript:` and `&#x6A;avascript:` work. So the value is
/// decoded and all ASCII whitespace and controls removed before looking for
/// a scheme; removing more than a browser would only makes the check
/// stricter.
fn url_is_safe(escaped: &str) -> bool {
    let cleaned: String = decode_refs(escaped)
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect();
    match cleaned.find([':', '/', '?', '#']) {
        Some(i) if cleaned[i..].starts_with(':') => {
            let scheme = &cleaned[..i];
            SAFE_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme))
        }
        // No scheme: a relative reference, resolved against the page.
        _ => true,
    }
}

/// Whether a decoded URL is a reference within the site: no scheme, no `//host`, and
/// nothing [`decode_refs`] could not decode (a URL it cannot read is left as written,
/// to [`url_is_safe`]).
fn is_relative(url: &str) -> bool {
    let scheme_end = url.find([':', '/', '?', '#']);
    !url.starts_with("//")
        && !url.contains('\u{FFFD}')
        && !scheme_end.is_some_and(|i| url[i..].starts_with(':'))
}

/// Decodes the character references that survive [`push_escaped`].
///
/// Only the named references that can change how a URL is split into
/// scheme and rest need their real value; any other name becomes U+FFFD,
/// which can never be part of a scheme, so an unknown reference in front of
/// a `:` gets the URL rejected rather than guessed at.
fn decode_refs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(n) = char_ref_len(rest.as_bytes()) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        // Strip `&` and `;`.
        let body = &rest[1..n - 1];
        let decoded = if let Some(num) = body.strip_prefix('#') {
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => num.parse::<u32>(),
            };
            code.ok()
                .filter(|&c| c != 0)
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}')
        } else {
            match body {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "colon" => ':',
                "sol" => '/',
                "quest" => '?',
                "num" => '#',
                "Tab" => '\t',
                "NewLine" => '\n',
                _ => '\u{FFFD}',
            }
        };
        out.push(decoded);
        rest = &rest[n..];
    }
    out.push_str(rest);
    out
}

/// Length of the character reference at the start of `b` (which begins with
/// `&`), including the `;`, or `None` if it is a bare ampersand.
fn char_ref_len(b: &[u8]) -> Option<usize> {
    let run = |from: usize, max: usize, ok: fn(&u8) -> bool| {
        b.get(from..)
            .unwrap_or(&[])
            .iter()
            .take(max + 1)
            .take_while(|c| ok(c))
            .count()
    };
    let (digits_from, count, min, max) = match b.get(1) {
        Some(b'#') => match b.get(2) {
            Some(b'x' | b'X') => (3, run(3, 6, u8::is_ascii_hexdigit), 1, 6),
            _ => (2, run(2, 7, u8::is_ascii_digit), 1, 7),
        },
        Some(c) if c.is_ascii_alphabetic() => (2, run(2, 31, u8::is_ascii_alphanumeric), 1, 31),
        _ => return None,
    };
    let semi = digits_from + count;
    (count >= min && count <= max && b.get(semi) == Some(&b';')).then_some(semi + 1)
}

/// Appends `s` as text. `<` and `>` always become references; `&` is kept
/// only where it starts a valid character reference, so editors can still
/// write `&nbsp;` or `&#x2014;`. `"` is escaped everywhere, so one function
/// serves text and attribute values alike (pulldown-cmark escapes it in text
/// too).
fn push_escaped(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let mut run_start = 0;
    for (i, &c) in b.iter().enumerate() {
        let replacement = match c {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'&' if char_ref_len(&b[i..]).is_none() => "&amp;",
            // Browsers replace NUL anyway; doing it here keeps it out of
            // the generated files.
            0 => "\u{FFFD}",
            _ => continue,
        };
        // Every replaced byte is ASCII, so these slice bounds are char
        // boundaries.
        out.push_str(&s[run_start..i]);
        out.push_str(replacement);
        run_start = i + 1;
    }
    out.push_str(&s[run_start..]);
}

/// HTML's definition of whitespace inside tags.
fn is_html_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')
}

fn ends_attr_name(c: u8) -> bool {
    is_html_space(c) || matches!(c, b'/' | b'>' | b'=' | b'"' | b'\'' | b'<' | b'`')
}

fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_html_space(b[i]) {
        i += 1;
    }
    i
}

fn find_byte(b: &[u8], from: usize, needle: u8) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == needle)
        .map(|p| from + p)
}

fn find_bytes(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::sanitize_html as s;

    // --- allowed markup survives ---

    #[test]
    fn allowed_inline_tags_are_kept() {
        assert_eq!(
            s("<strong>強調</strong> and <em>em</em>"),
            "<strong>強調</strong> and <em>em</em>"
        );
    }

    #[test]
    fn single_end_tag_fragment_is_kept() {
        assert_eq!(s("</sup>"), "</sup>");
    }

    #[test]
    fn details_summary_survive() {
        assert_eq!(
            s("<details>\n<summary>注</summary>\n"),
            "<details>\n<summary>注</summary>\n"
        );
    }

    #[test]
    fn details_open_boolean_attribute_is_kept() {
        assert_eq!(s("<details open>"), "<details open>");
        assert_eq!(s("<DETAILS OPEN=\"open\">"), "<details open>");
    }

    #[test]
    fn open_is_not_allowed_outside_details() {
        assert_eq!(s("<div open>"), "<div>");
    }

    #[test]
    fn void_elements_are_written_self_closing() {
        assert_eq!(s("<br>"), "<br />");
        assert_eq!(s("<br/>"), "<br />");
        assert_eq!(s("<BR />"), "<br />");
        assert_eq!(s("<hr>"), "<hr />");
        assert_eq!(s("<wbr>"), "<wbr />");
    }

    #[test]
    fn void_end_tags_are_dropped() {
        assert_eq!(s("a</br>b"), "ab");
    }

    #[test]
    fn non_void_self_closing_slash_is_dropped() {
        assert_eq!(s("<span/>"), "<span>");
    }

    #[test]
    fn tag_and_attribute_names_are_lower_cased() {
        assert_eq!(s("<SPAN CLASS=\"x\">"), "<span class=\"x\">");
    }

    #[test]
    fn img_keeps_allowed_attributes_only() {
        assert_eq!(
            s("<img src=\"/a.png\" alt=\"図\" width=100 height='50' loading=lazy>"),
            "<img src=\"/a.png\" alt=\"図\" width=\"100\" height=\"50\" />"
        );
    }

    #[test]
    fn table_cell_attributes_are_kept() {
        assert_eq!(
            s("<td colspan=2 rowspan=\"3\" scope=row style=\"color:red\" align=left>"),
            "<td colspan=\"2\" rowspan=\"3\" scope=\"row\">"
        );
        assert_eq!(s("<th scope=col>"), "<th scope=\"col\">");
    }

    #[test]
    fn element_specific_attributes_stay_on_their_element() {
        assert_eq!(s("<ol start=3 reversed>"), "<ol start=\"3\">");
        assert_eq!(s("<ul start=3>"), "<ul>");
        assert_eq!(
            s("<time datetime=\"2024-04-01\">4月1日</time>"),
            "<time datetime=\"2024-04-01\">4月1日</time>"
        );
        assert_eq!(s("<span href=\"/x\" src=\"/y\">"), "<span>");
    }

    #[test]
    fn global_attributes_are_kept_on_any_allowed_element() {
        assert_eq!(
            s("<abbr title=\"Statistics Act\" id=a class=b lang=en dir=ltr>"),
            "<abbr title=\"Statistics Act\" id=\"a\" class=\"b\" lang=\"en\" dir=\"ltr\">"
        );
        assert_eq!(s("<dfn title=\"t\">"), "<dfn title=\"t\">");
    }

    #[test]
    fn target_attribute_is_dropped_from_links() {
        assert_eq!(
            s("<a href=\"/path\" target=\"_blank\">"),
            "<a href=\"/path\">"
        );
    }

    #[test]
    fn attribute_without_value_gets_empty_value() {
        assert_eq!(s("<span title>"), "<span title=\"\">");
        assert_eq!(s("<span title=>"), "<span title=\"\">");
    }

    #[test]
    fn single_quoted_value_is_requoted_and_escaped() {
        assert_eq!(
            s("<span title='He said \"hi\" & <left>'>"),
            "<span title=\"He said &quot;hi&quot; &amp; &lt;left&gt;\">"
        );
    }

    #[test]
    fn unquoted_value_is_quoted() {
        assert_eq!(s("<p class=note>"), "<p class=\"note\">");
    }

    #[test]
    fn spaces_around_equals_are_accepted() {
        assert_eq!(s("<p class = \"x\">"), "<p class=\"x\">");
    }

    #[test]
    fn first_duplicate_attribute_wins() {
        assert_eq!(
            s("<a href=\"https://ok.example\" href=\"javascript:alert(1)\">"),
            "<a href=\"https://ok.example\">"
        );
        // The browser would use the first, so the second must not be
        // promoted when the first is rejected.
        assert_eq!(s("<a href=\"javascript:alert(1)\" href=\"/ok\">"), "<a>");
    }

    #[test]
    fn ampersand_in_url_is_escaped() {
        assert_eq!(
            s("<a href=\"https://e.example/?a=1&b=2&amp;c=3\">"),
            "<a href=\"https://e.example/?a=1&amp;b=2&amp;c=3\">"
        );
    }

    // --- URLs ---

    #[test]
    fn safe_urls_are_kept() {
        for url in [
            "https://example.com/",
            "HTTP://example.com",
            "mailto:stat@example.go.jp",
            "tel:+81-3-0000-0000",
            "/abs/path",
            "./rel",
            "../up",
            "#frag",
            "?q=1",
            "page.html",
            "page?x=a:b",
            "dir/a:b",
            "//cdn.example/x.png",
            "",
        ] {
            let html = format!("<a href=\"{url}\">");
            assert_eq!(s(&html), html, "{url}");
        }
    }

    #[test]
    fn javascript_url_is_dropped() {
        assert_eq!(s("<a href=\"javascript:alert(1)\">x</a>"), "<a>x</a>");
        assert_eq!(s("<a href=\"JaVaScRiPt:alert(1)\">"), "<a>");
        assert_eq!(s("<a href=javascript:alert(1)>"), "<a>");
        assert_eq!(s("<a href='javascript:alert(1)'>"), "<a>");
    }

    #[test]
    fn javascript_url_with_leading_space_is_dropped() {
        assert_eq!(s("<a href=\" javascript:alert(1)\">"), "<a>");
        assert_eq!(s("<a href=\"\x01\x02javascript:alert(1)\">"), "<a>");
    }

    #[test]
    fn javascript_url_with_embedded_whitespace_is_dropped() {
        assert_eq!(s("<a href=\"java\tscript:alert(1)\">"), "<a>");
        assert_eq!(s("<a href=\"java\nscript:alert(1)\">"), "<a>");
        assert_eq!(s("<a href=\"jav&#x09;ascript:alert(1)\">"), "<a>");
        assert_eq!(s("<a href=\"jav&#9;ascript:alert(1)\">"), "<a>");
        assert_eq!(s("<a href=\"jav&Tab;ascript:alert(1)\">"), "<a>");
        assert_eq!(s("<a href=\"&#14;javascript:alert(1)\">"), "<a>");
    }

    #[test]
    fn javascript_url_with_entity_encoded_scheme_is_dropped() {
        assert_eq!(s("<a href=\"&#x6A;avascript:alert(1)\">"), "<a>");
        assert_eq!(s("<a href=\"&#106;avascript:alert(1)\">"), "<a>");
        assert_eq!(s("<a href=\"&#0000106;avascript:alert(1)\">"), "<a>");
        assert_eq!(s("<a href=\"javascript&colon;alert(1)\">"), "<a>");
        assert_eq!(s("<a href=\"javascript&#58;alert(1)\">"), "<a>");
    }

    #[test]
    fn unknown_entity_before_colon_rejects_url() {
        assert_eq!(s("<a href=\"java&shy;script:alert(1)\">"), "<a>");
    }

    #[test]
    fn overlong_numeric_reference_is_neutralised_not_decoded() {
        // Too many digits to be kept as a reference, so it is escaped and the
        // browser sees literal text: a harmless relative URL.
        assert_eq!(
            s("<a href=\"&#00000000106;avascript:x\">"),
            "<a href=\"&amp;#00000000106;avascript:x\">"
        );
    }

    #[test]
    fn other_dangerous_schemes_are_dropped() {
        for url in [
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "foo:bar",
        ] {
            assert_eq!(s(&format!("<a href=\"{url}\">")), "<a>", "{url}");
        }
    }

    #[test]
    fn data_url_in_img_src_is_dropped() {
        assert_eq!(
            s("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\" alt=\"x\">"),
            "<img alt=\"x\" />"
        );
    }

    // --- dangerous constructs ---

    #[test]
    fn onclick_attribute_is_dropped() {
        assert_eq!(s("<p onclick=\"alert(1)\">hi</p>"), "<p>hi</p>");
    }

    #[test]
    fn img_onerror_is_dropped() {
        assert_eq!(s("<img src=x onerror=alert(1)>"), "<img src=\"x\" />");
        assert_eq!(s("<IMG SRC=\"javascript:alert('XSS');\">"), "<img />");
    }

    #[test]
    fn style_attribute_is_dropped() {
        assert_eq!(
            s("<div style=\"background:url(javascript:alert(1))\">"),
            "<div>"
        );
    }

    #[test]
    fn script_block_and_its_content_are_removed() {
        assert_eq!(s("a<script>alert(1)</script>b"), "ab");
        assert_eq!(s("<script src=\"//evil.example/x.js\"></script>"), "");
    }

    #[test]
    fn mixed_case_script_is_removed() {
        assert_eq!(s("<ScRiPt>alert(1)</sCrIpT >after"), "after");
    }

    #[test]
    fn unclosed_script_tag_is_dropped_but_text_remains() {
        assert_eq!(s("<script>\n"), "\n");
        assert_eq!(s("alert(1)\n"), "alert(1)\n");
        assert_eq!(s("</script>\n"), "\n");
    }

    #[test]
    fn script_content_ends_only_at_a_real_close_tag() {
        assert_eq!(s("<script>a='</scripty>';</script>b"), "b");
    }

    #[test]
    fn style_template_title_textarea_content_is_removed() {
        assert_eq!(s("<style>body{display:none}</style>x"), "x");
        assert_eq!(s("<template><p>t</p></template>x"), "x");
        assert_eq!(s("<title>t</title>x"), "x");
        assert_eq!(s("<textarea><b>t</b></textarea>x"), "x");
        assert_eq!(s("<noscript>n</noscript>x"), "x");
        assert_eq!(s("<xmp><b></xmp>x"), "x");
    }

    #[test]
    fn iframe_and_its_content_are_removed() {
        assert_eq!(
            s("<iframe src=\"javascript:alert(1)\">fallback</iframe>x"),
            "x"
        );
    }

    #[test]
    fn svg_onload_is_removed() {
        assert_eq!(s("<svg onload=alert(1)>"), "");
        assert_eq!(s("<svg/onload=alert(1)>"), "");
        assert_eq!(s("<math><mi>x</mi></math>"), "&lt;mi&gt;x&lt;/mi&gt;");
    }

    #[test]
    fn form_controls_are_removed_keeping_their_text() {
        assert_eq!(
            s("<form action=\"/x\"><input type=text onfocus=alert(1) autofocus>送信</form>"),
            "送信"
        );
    }

    #[test]
    fn head_only_elements_are_removed() {
        assert_eq!(
            s(
                "<base href=\"//evil.example/\"><meta http-equiv=refresh content=0><link rel=stylesheet href=x>"
            ),
            ""
        );
    }

    #[test]
    fn object_and_embed_tags_are_removed() {
        assert_eq!(s("<object data=x.swf>alt</object><embed src=x>"), "alt");
    }

    #[test]
    fn double_angle_script_becomes_text() {
        assert_eq!(s("<<script>script>alert(1)"), "&lt;script&gt;alert(1)");
        assert_eq!(s("<<script>alert(1);//<</script>"), "&lt;");
    }

    #[test]
    fn quote_breakout_in_attribute_stays_inside_value() {
        assert_eq!(
            s("<span title=\"\"><script>alert(1)</script>\">"),
            "<span title=\"\">&quot;&gt;"
        );
        assert_eq!(
            s("<span title=\"><script>alert(1)</script>\">"),
            "<span title=\"&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">"
        );
    }

    #[test]
    fn backtick_unquoted_value_is_malformed() {
        assert_eq!(
            s("<img src=`x`onerror=alert(1)>"),
            "&lt;img src=`x`onerror=alert(1)&gt;"
        );
    }

    // --- comments and other markup ---

    #[test]
    fn comments_are_dropped() {
        assert_eq!(s("a<!-- note for editors -->b"), "ab");
        assert_eq!(s("<!--<script>alert(1)</script>-->"), "");
        assert_eq!(s("a<!-->b<!--->c"), "abc");
    }

    #[test]
    fn unterminated_comment_is_shown_as_text() {
        assert_eq!(s("<!-- <b>x</b>"), "&lt;!-- <b>x</b>");
    }

    #[test]
    fn doctype_pi_and_cdata_are_shown_as_text() {
        assert_eq!(s("<!DOCTYPE html>"), "&lt;!DOCTYPE html&gt;");
        assert_eq!(s("<?php echo 1; ?>"), "&lt;?php echo 1; ?&gt;");
        assert_eq!(s("<![CDATA[x]]>"), "&lt;![CDATA[x]]&gt;");
    }

    #[test]
    fn unknown_tag_is_shown_as_text() {
        assert_eq!(s("<foo>"), "&lt;foo&gt;");
        assert_eq!(
            s("<center onclick=\"x\">c</center>"),
            "&lt;center onclick=&quot;x&quot;&gt;c&lt;/center&gt;"
        );
        // h1 is reserved for the page title.
        assert_eq!(s("<h1>t</h1>"), "&lt;h1&gt;t&lt;/h1&gt;");
    }

    #[test]
    fn malformed_tags_are_shown_as_text() {
        assert_eq!(s("<a href=\"x"), "&lt;a href=&quot;x");
        assert_eq!(s("< b>"), "&lt; b&gt;");
        assert_eq!(s("<a\"b>"), "&lt;a&quot;b&gt;");
        assert_eq!(s("</ b>"), "&lt;/ b&gt;");
        assert_eq!(s("<a href=x"), "&lt;a href=x");
        assert_eq!(s("</>"), "&lt;/&gt;");
    }

    #[test]
    fn text_after_unterminated_quote_is_still_sanitised() {
        assert_eq!(
            s("<a title=\"x <b>y</b> <i onclick=z>"),
            "&lt;a title=&quot;x <b>y</b> <i>"
        );
    }

    #[test]
    fn lone_angle_bracket_at_end_is_escaped() {
        assert_eq!(s("a<"), "a&lt;");
        assert_eq!(s("<"), "&lt;");
        assert_eq!(s("</"), "&lt;/");
        assert_eq!(s("<a"), "&lt;a");
    }

    // --- text ---

    #[test]
    fn japanese_text_passes_through() {
        let text = "統計法第2条に基づく「基幹統計」とは、国勢調査などをいう。\n";
        assert_eq!(s(text), text);
    }

    #[test]
    fn non_ascii_in_tags_does_not_split_characters() {
        assert_eq!(
            s("<span title=日本語>語</span>"),
            "<span title=\"日本語\">語</span>"
        );
        assert_eq!(s("<日本>"), "&lt;日本&gt;");
        assert_eq!(s("<span 日本=\"x\">"), "<span>");
        assert_eq!(s("<a title=\"日本"), "&lt;a title=&quot;日本");
        assert_eq!(s("<p\u{3000}class=x>"), "&lt;p\u{3000}class=x&gt;");
    }

    #[test]
    fn comparison_operators_in_text_are_escaped() {
        assert_eq!(s("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
        assert_eq!(s("1<2"), "1&lt;2");
    }

    #[test]
    fn quotes_in_text_are_escaped_like_pulldown_cmark_does() {
        assert_eq!(s("<p>\"引用\" it's</p>"), "<p>&quot;引用&quot; it's</p>");
    }

    #[test]
    fn valid_character_references_are_kept() {
        let text = "&nbsp;&copy;&#169;&#xA9;&#X2014;&amp;&lt;";
        assert_eq!(s(text), text);
    }

    #[test]
    fn bare_or_invalid_ampersands_are_escaped() {
        assert_eq!(s("R&D"), "R&amp;D");
        assert_eq!(s("&copy 2024"), "&amp;copy 2024");
        assert_eq!(s("&#;&#x;&;&a;"), "&amp;#;&amp;#x;&amp;;&amp;a;");
        assert_eq!(s("&#12345678;"), "&amp;#12345678;");
        assert_eq!(s("&"), "&amp;");
    }

    #[test]
    fn nul_is_replaced() {
        assert_eq!(s("a\0b"), "a\u{FFFD}b");
    }

    // --- robustness ---

    #[test]
    fn repeated_broken_tags_are_linear_and_escaped() {
        // Quadratic behaviour here would take minutes, not milliseconds.
        let input = "<a ".repeat(70_000);
        assert_eq!(s(&input), "&lt;a ".repeat(70_000));

        let input = "<".repeat(200_000);
        assert_eq!(s(&input), "&lt;".repeat(200_000));

        let input = "<!--".repeat(50_000);
        assert_eq!(s(&input), "&lt;!--".repeat(50_000));

        let input = "<script>".repeat(25_000);
        assert_eq!(s(&input), "");

        let input = "<a title='".repeat(20_000);
        assert_eq!(s(&input), "&lt;a title='".repeat(20_000));

        let input = format!("<a title=\"{}", "<a x=".repeat(50_000));
        assert_eq!(
            s(&input),
            format!("&lt;a title=&quot;{}", "&lt;a x=".repeat(50_000))
        );
    }

    #[test]
    fn huge_valid_fragment_is_processed() {
        let unit = "<p class=x>統計 &amp; 情報 <a href=\"/x?a=1&b=2\" onclick=y>l</a></p>\n";
        let expected = "<p class=\"x\">統計 &amp; 情報 <a href=\"/x?a=1&amp;b=2\">l</a></p>\n";
        let input = unit.repeat(10_000);
        assert!(input.len() > 600_000);
        assert_eq!(s(&input), expected.repeat(10_000));
    }

    #[test]
    fn tag_with_many_attributes_is_handled() {
        let input = format!("<p{}>", " a".repeat(100_000));
        assert_eq!(s(&input), "<p>");
    }

    #[test]
    fn balancing_closes_only_what_the_body_opened() {
        use super::{sanitize_html_in, OpenElements};
        let mut open = OpenElements::default();
        let keep = &mut |url: &str, _| url.to_string();
        let a = sanitize_html_in("<a href=\"https://x.jp/\"><b>", &mut open, 7, keep);
        assert_eq!(a, "<a href=\"https://x.jp/\"><b>");
        // A stray end tag is dropped; a matching one closes what it contains.
        assert_eq!(sanitize_html_in("</div></a>", &mut open, 9, keep), "</a>");
        assert_eq!(open.depth(), 0);
        sanitize_html_in("<div><p><a href=\"#x\"><br>", &mut open, 3, keep);
        let (html, closed) = open.close_to(1);
        assert_eq!(html, "</a>");
        assert_eq!(closed, [("a", 3)]);
        assert_eq!(open.close_to(0).0, "</div>");
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert_eq!(s(""), "");
    }

    /// Checks what the output may contain: every `<` opens an allowlisted
    /// tag whose attributes are allowlisted and double-quoted, and
    /// re-sanitising changes nothing (the output is already in the form the
    /// sanitiser writes).
    fn assert_safe_output(input: &str) {
        const ATTRS: &[&str] = &[
            "id", "class", "title", "lang", "dir", "href", "src", "alt", "width", "height",
            "colspan", "rowspan", "scope", "start", "datetime", "open",
        ];
        let out = s(input);
        let ctx = || format!("{out:?} from {input:?}");
        let mut rest = out.as_str();
        while let Some(lt) = rest.find('<') {
            rest = rest[lt + 1..].trim_start_matches('/');
            let name_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
            assert!(super::ALLOWED.contains(&&rest[..name_len]), "{}", ctx());
            rest = &rest[name_len..];
            loop {
                if let Some(r) = rest.strip_prefix('>').or(rest.strip_prefix(" />")) {
                    rest = r;
                    break;
                }
                rest = rest
                    .strip_prefix(' ')
                    .unwrap_or_else(|| panic!("{}", ctx()));
                let attr_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
                assert!(ATTRS.contains(&&rest[..attr_len]), "{}", ctx());
                rest = &rest[attr_len..];
                if let Some(r) = rest.strip_prefix("=\"") {
                    let close = r.find('"').unwrap_or_else(|| panic!("{}", ctx()));
                    assert!(!r[..close].contains(['<', '>']), "{}", ctx());
                    rest = &r[close + 1..];
                }
            }
        }
        // Every raw `>` must close one of the tags checked above.
        assert_eq!(
            out.matches('>').count(),
            out.matches('<').count(),
            "{}",
            ctx()
        );
        assert_eq!(s(&out), out, "not idempotent: {}", ctx());
    }

    #[test]
    fn random_inputs_never_panic_and_stay_safe() {
        const PIECES: &[&str] = &[
            "<",
            ">",
            "/",
            "\"",
            "'",
            "=",
            " ",
            "\t",
            "\n",
            "&",
            "#",
            ";",
            "x",
            "a",
            "p",
            "b",
            "br",
            "img",
            "script",
            "svg",
            "details",
            "open",
            "href",
            "src",
            "onclick",
            "style",
            "title",
            "javascript:",
            "jav&#x09;ascript:",
            "&#106;",
            "http:",
            "!--",
            "--",
            "-->",
            "`",
            "日",
            "本",
            "\u{1F600}",
            "é",
            "\0",
            "&amp;",
            "&lt",
            ":",
            "?",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let input: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            assert_safe_output(&input);
        }
    }

    #[test]
    fn classic_vectors_produce_safe_output() {
        for v in [
            "<ScRiPt>alert(1)</ScRiPt>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
            "<svg onload=alert(1)>",
            "<a href=\" javascript:alert(1)\">x</a>",
            "<img src=\"data:text/html;base64,PHNjcmlwdD4=\">",
            "<<script>script>alert(1)<</script>/script>",
            "<body onload=alert(1)>",
            "<input onfocus=alert(1) autofocus>",
            "<details open ontoggle=alert(1)>",
            "<a href=\"&#x6A;&#x61;&#x76;&#x61;script:alert(1)\">",
            "<img \"\"\"><script>alert(1)</script>\">",
            "<a href=\"x\"onmouseover=\"alert(1)\">",
            "<div/onmouseover='alert(1)'>",
            "<iframe srcdoc=\"<script>alert(1)</script>\">",
            "<scr<script>ipt>alert(1)</script>",
            "<a href=javascript&colon;alert(1)>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<!--><img src=x onerror=alert(1)>-->",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        ] {
            assert_safe_output(v);
        }
    }
}
