//! Fuzzes `tebiki::check_files`: loading (UTF-8 decoding, front matter splitting, YAML
//! typing), Markdown rendering and link resolution must never panic nor hang, whatever
//! the bytes of the edited files.
//!
//! Input format: the bytes are split on `0xFF` (never valid in UTF-8) into at most six
//! parts, each the contents of one file of an otherwise valid site, in this order:
//!
//! | part | file                    |
//! |------|-------------------------|
//! | 0    | surveys/jinko-dotai.md  |
//! | 1    | laws/tokei-ho.md        |
//! | 2    | pages/yosan.md          |
//! | 3    | schedule/2022.yaml      |
//! | 4    | roadmap/card-phr.md     |
//! | 5    | _index.md               |
//!
//! An empty part leaves its file out, so `\xFF\xFF<page>` fuzzes a page alone. The last
//! part takes everything after the fifth separator (further `0xFF` bytes included, so
//! invalid UTF-8 stays reachable there). `site.yaml` and `contacts.yaml` are the
//! repository's own, so ids used by the real content (contacts, laws, surveys) resolve.
//! `scripts/seed-corpus.sh` seeds the corpus from `content/`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

const SITE_YAML: &str = include_str!("../../../content/site.yaml");
const CONTACTS_YAML: &str = include_str!("../../../content/contacts.yaml");

const SLOTS: [&str; 6] = [
    "surveys/jinko-dotai.md",
    "laws/tokei-ho.md",
    "pages/yosan.md",
    "schedule/2022.yaml",
    "roadmap/card-phr.md",
    "_index.md",
];

fuzz_target!(|data: &[u8]| {
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        ("site.yaml".into(), SITE_YAML.as_bytes().to_vec()),
        ("contacts.yaml".into(), CONTACTS_YAML.as_bytes().to_vec()),
    ];
    for (slot, part) in SLOTS.iter().zip(data.splitn(SLOTS.len(), |&b| b == 0xFF)) {
        if !part.is_empty() {
            files.push((PathBuf::from(slot), part.to_vec()));
        }
    }
    let _ = tebiki::check_files(files);
});
