//! The SVG writer: elements with attributes in the order given, text escaped by the
//! site's one HTML escaper (what XML needs is a subset of it), numbers printed the same
//! way on every machine so the output is byte-for-byte reproducible.

use crate::text::escape_html;
use std::fmt::Write;

/// A number as SVG wants it: at most one decimal, no trailing `.0`, no `-0`.
pub fn num(v: f32) -> String {
    let tenths = (v * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        let sign = if tenths < 0 { "-" } else { "" };
        let a = tenths.abs();
        format!("{sign}{}.{}", a / 10, a % 10)
    }
}

/// An attribute value, written escaped.
pub enum Value<'a> {
    Str(&'a str),
    Num(f32),
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(s: &'a str) -> Self {
        Value::Str(s)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(s: &'a String) -> Self {
        Value::Str(s)
    }
}

impl From<f32> for Value<'_> {
    fn from(v: f32) -> Self {
        Value::Num(v)
    }
}

/// Markup being written; elements must be closed in order by the caller.
#[derive(Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    fn attrs(&mut self, attrs: &[(&str, Value)]) {
        for (name, value) in attrs {
            let text = match value {
                Value::Str(s) => escape_html(s),
                Value::Num(v) => num(*v),
            };
            let _ = write!(self.out, " {name}=\"{text}\"");
        }
    }

    pub fn open(&mut self, name: &str, attrs: &[(&str, Value)]) {
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push('>');
    }

    pub fn close(&mut self, name: &str) {
        let _ = write!(self.out, "</{name}>");
    }

    /// An element without children, written self-closed as SVG in HTML allows.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, Value)]) {
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push_str("/>");
    }

    /// An element holding only text.
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, Value)], text: &str) {
        self.open(name, attrs);
        self.out.push_str(&escape_html(text));
        self.close(name);
    }

    pub fn newline(&mut self) {
        self.out.push('\n');
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(-3.5), "-3.5");
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut w = Writer::default();
        w.leaf(
            "text",
            &[("class", "a\"b".into()), ("x", 1.5.into())],
            "<&>",
        );
        assert_eq!(
            w.finish(),
            "<text class=\"a&quot;b\" x=\"1.5\">&lt;&amp;&gt;</text>"
        );
    }
}
