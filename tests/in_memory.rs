//! Building into memory (what `serve` answers from) gives exactly the files a build
//! writes, and touches no output folder.

mod common;

use common::{read_tree, Site};
use std::collections::BTreeMap;
use std::path::PathBuf;
use tebiki::outputs::Data;

fn in_memory_tree(site: &Site, profile: tebiki::BuildProfile) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut options = site.options();
    options.profile = profile;
    let built = tebiki::build_in_memory(&options).expect("the fixture builds in memory");
    assert!(
        !site.output().exists(),
        "building in memory created the output folder"
    );
    built
        .files
        .into_iter()
        .map(|f| {
            let bytes = match f.data {
                Data::Copy(from) => std::fs::read(&from).expect("asset readable"),
                made => made.bytes().expect("a made file").into_owned(),
            };
            (PathBuf::from(f.path), bytes)
        })
        .collect()
}

#[test]
fn memory_holds_the_same_files_as_a_build_in_both_profiles() {
    for profile in [tebiki::BuildProfile::Intranet, tebiki::BuildProfile::Public] {
        let site = Site::copy_of("basic");
        let memory = in_memory_tree(&site, profile);
        let mut options = site.options();
        options.profile = profile;
        tebiki::build(&options).expect("the fixture builds");
        let mut disk = read_tree(&site.output());
        disk.remove(&PathBuf::from(tebiki::output::MARKER));
        assert_eq!(
            memory.keys().collect::<Vec<_>>(),
            disk.keys().collect::<Vec<_>>(),
            "{profile:?}: different file lists"
        );
        for (path, bytes) in &disk {
            assert!(
                memory[path] == *bytes,
                "{profile:?}: {} differs",
                path.display()
            );
        }
    }
}

#[test]
fn memory_refuses_what_build_refuses() {
    let site = Site::copy_of("basic");
    site.write("surveys/broken.md", "---\ntitle: [unclosed\n---\n");
    let errors = match tebiki::build_in_memory(&site.options()) {
        Ok(_) => panic!("a broken front matter built in memory"),
        Err(e) => e,
    };
    assert!(errors.has_errors());
    assert!(!site.output().exists());
}
