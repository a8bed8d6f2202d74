//! `contacts/contacts.vcf`: one vCard per row of contacts.yaml.
//!
//! vCard 3.0 (RFC 2426), not 4.0: Outlook imports 3.0 (and 2.1) but not 4.0, and the
//! other common clients read 3.0 as well. Lines are folded and TEXT escaped as in
//! iCalendar, which 3.0 shares.
//!
//! In the intranet profile FN/N are the contact person; in the public profile (or when a
//! row has no person) FN is the office and section, so no person's name is written.
//! TEL is the main phone only: the ministry's switchboard asks callers to say the
//! extension, so it cannot be dialled as a suffix and is given in NOTE instead.

use super::ical::{escape_text, line};
use super::person;
use crate::plan::pages::SitePages;

pub fn contacts(site: &SitePages) -> String {
    let contacts = &site.views.content.contacts;
    let phone = contacts
        .main_phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let mut out = String::new();
    for row in &contacts.rows {
        let org = format!("{} {}", row.office.trim(), row.section.trim());
        line(&mut out, "BEGIN:VCARD");
        line(&mut out, "VERSION:3.0");
        match person(site, row) {
            Some(name) => {
                let (family, given) = split_name(name);
                line(
                    &mut out,
                    &format!("N:{};{};;;", escape_text(family), escape_text(given)),
                );
                line(&mut out, &format!("FN:{}", escape_text(name)));
            }
            None => {
                line(&mut out, &format!("N:{};;;;", escape_text(&org)));
                line(&mut out, &format!("FN:{}", escape_text(&org)));
            }
        }
        line(
            &mut out,
            &format!(
                "ORG:{};{}",
                escape_text(row.office.trim()),
                escape_text(row.section.trim())
            ),
        );
        if let Some(phone) = phone {
            line(
                &mut out,
                &format!("TEL;TYPE=WORK,VOICE:{}", escape_text(phone)),
            );
        }
        let mut note = vec![format!("施策事項：{}", row.topic.trim())];
        let ext = row.extension.trim();
        if !ext.is_empty() {
            note.push(match phone {
                Some(_) => format!("内線：{ext}（代表電話におかけのうえ内線番号をお伝えください）"),
                None => format!("内線：{ext}"),
            });
        }
        if let Some(pages) = row.pages.as_deref().filter(|p| !p.trim().is_empty()) {
            note.push(format!("資料ページ：{}", pages.trim()));
        }
        line(&mut out, &format!("NOTE:{}", escape_text(&note.join("\n"))));
        line(
            &mut out,
            &format!("UID:contact-{}@tebiki", escape_text(row.id.value.trim())),
        );
        line(&mut out, "END:VCARD");
    }
    out
}

/// "佐藤 陽子" → ("佐藤", "陽子"): contacts.yaml separates family and given name by a
/// space (ASCII or ideographic); a name without one is all family name.
fn split_name(name: &str) -> (&str, &str) {
    match name.split_once([' ', '\u{3000}']) {
        Some((family, given)) => (family.trim(), given.trim()),
        None => (name, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::split_name;

    #[test]
    fn splits_family_and_given_names() {
        assert_eq!(split_name("佐藤 陽子"), ("佐藤", "陽子"));
        assert_eq!(split_name("佐藤\u{3000}陽子"), ("佐藤", "陽子"));
        assert_eq!(split_name("佐藤"), ("佐藤", ""));
    }
}
