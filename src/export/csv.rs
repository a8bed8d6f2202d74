//! `contacts/contacts.csv`: the contact directory for spreadsheets. UTF-8 with a BOM (so
//! Excel reads the Japanese correctly), CRLF line ends and RFC 4180 quoting. The public
//! profile drops the 担当者 column altogether rather than leaving it empty.

use super::person;
use crate::plan::pages::SitePages;
use crate::settings::Profile;

const BOM: &str = "\u{feff}";

/// The CSV bytes, header row first, rows in contacts.yaml order.
pub fn contacts(site: &SitePages) -> Vec<u8> {
    let with_person = site.views.profile == Profile::Intranet;
    let mut header = vec!["施策事項", "所管課室", "担当係"];
    if with_person {
        header.push("担当者");
    }
    header.extend(["内線", "資料ページ", "掲載ページ"]);
    let mut out = String::from(BOM);
    record(&mut out, header.iter().map(|s| s.to_string()));
    let content = site.views.content;
    for (c, row) in content.contacts.rows.iter().enumerate() {
        let users: Vec<String> = site.views.graph.contact_users[c]
            .iter()
            .map(|&i| content.items[i].common.title.clone())
            .collect();
        let mut fields = vec![row.topic.clone(), row.office.clone(), row.section.clone()];
        if with_person {
            fields.push(person(site, row).unwrap_or("").to_string());
        }
        fields.extend([
            row.extension.clone(),
            row.pages.clone().unwrap_or_default(),
            users.join("、"),
        ]);
        record(&mut out, fields.into_iter());
    }
    out.into_bytes()
}

fn record(out: &mut String, fields: impl Iterator<Item = String>) {
    for (n, f) in fields.enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&field(&f));
    }
    out.push_str("\r\n");
}

/// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
/// Fields with edge spaces are quoted too, so no reader trims them.
///
/// A field a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab
/// or carriage return) gets a leading `'` and is quoted, as OWASP's CSV-injection
/// guidance says: content comes from many hands, and this file is opened in Excel.
pub fn field(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        return format!("\"'{}\"", text.replace('"', "\"\""));
    }
    let needs = text.contains([',', '"', '\r', '\n'])
        || text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace);
    if needs {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quotes_only_what_rfc_4180_needs() {
        assert_eq!(field("人口動態調査"), "人口動態調査");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field(" x"), "\" x\"");
        assert_eq!(field(""), "");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "\"'+1\"");
        assert_eq!(field("-1+2"), "\"'-1+2\"");
        assert_eq!(field("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(field("\tx"), "\"'\tx\"");
        assert_eq!(field("\rx"), "\"'\rx\"");
        assert_eq!(field("a=b"), "a=b");
    }
}
