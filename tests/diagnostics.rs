//! Each way an editor can break a file yields a diagnostic naming the file, the line and
//! a stable code; `build` then writes nothing. One case per diagnostic class, each a
//! small change to the `basic` fixture.

mod common;

use common::{read_tree, Site};
use tebiki::diagnostics::{Diagnostic, Diagnostics, Severity};

/// Applies `change` to a fresh copy of the fixture and returns what `check` reports.
fn check_after(change: impl FnOnce(&Site)) -> (Site, Diagnostics) {
    let site = Site::copy_of("basic");
    change(&site);
    let diags = match site.check() {
        Ok(report) => report.diagnostics,
        Err(d) => d,
    };
    (site, diags)
}

fn find<'a>(diags: &'a Diagnostics, code: &str) -> &'a Diagnostic {
    diags
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in:\n{}", diags.render()))
}

/// Asserts an error with `code` at `file:line`, and that `build` refuses to touch a
/// previously built output.
fn assert_error(change: impl Fn(&Site), code: &str, file: &str, line: usize) {
    let site = Site::copy_of("basic");
    site.build().expect("the unchanged fixture builds");
    let before = read_tree(&site.output());
    change(&site);
    let diags = site.check().expect_err("check must fail");
    let d = find(&diags, code);
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.location.path.to_string_lossy(), file, "{}", d.render());
    assert_eq!(d.location.line, line, "{}", d.render());
    assert!(site.build().is_err(), "build must fail too");
    assert_eq!(read_tree(&site.output()), before, "the output is untouched");
}

fn edit(site: &Site, file: &str, from: &str, to: &str) {
    let text = site.read(file);
    assert!(text.contains(from), "{from} not in {file}");
    site.write(file, &text.replacen(from, to, 1));
}

#[test]
fn yaml_syntax_error_points_at_the_parser_line() {
    assert_error(
        |s| edit(s, "laws/law-x.md", "status: in_force", "status: [in_force"),
        "E006",
        "laws/law-x.md",
        5,
    );
}

#[test]
fn missing_front_matter_is_reported_on_line_one() {
    assert_error(
        |s| s.write("pages/guide/guide-1.md", "# ガイド\n本文\n"),
        "E004",
        "pages/guide/guide-1.md",
        1,
    );
}

#[test]
fn unterminated_front_matter_is_reported() {
    assert_error(
        |s| s.write("laws/law-x.md", "---\ntitle: 法律X\n\n本文\n"),
        "E005",
        "laws/law-x.md",
        1,
    );
}

#[test]
fn empty_file_is_reported() {
    let (_, diags) = check_after(|s| s.write("laws/law-x.md", ""));
    assert_eq!(
        find(&diags, "E003").location.path.to_string_lossy(),
        "laws/law-x.md"
    );
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let (_, diags) = check_after(|s| {
        std::fs::write(
            s.root().join("content/laws/law-x.md"),
            b"---\ntitle: \x96\x40\n---\n",
        )
        .unwrap()
    });
    let d = find(&diags, "E002");
    assert!(d.message.contains("offset 11"), "{}", d.render());
}

#[test]
fn missing_required_field_is_an_error() {
    assert_error(
        |s| edit(s, "surveys/chosa-a.md", "category: health\n", ""),
        "E007",
        "surveys/chosa-a.md",
        2,
    );
}

#[test]
fn wrong_type_points_at_the_field() {
    assert_error(
        |s| {
            edit(
                s,
                "laws/law-x.md",
                "short_title: X法",
                "short_title: X法\ndraft: maybe",
            )
        },
        "E008",
        "laws/law-x.md",
        4,
    );
}

#[test]
fn enum_value_outside_the_set_lists_it_and_suggests_the_closest() {
    let change = |s: &Site| {
        edit(
            s,
            "surveys/chosa-a.md",
            "category: health",
            "category: helth",
        )
    };
    assert_error(change, "E009", "surveys/chosa-a.md", 4);
    let (_, diags) = check_after(change);
    let d = find(&diags, "E009");
    assert_eq!(d.location.column, 11);
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .contains("did you mean `health`?"),
        "{}",
        d.render()
    );
}

#[test]
fn malformed_date_is_an_error() {
    assert_error(
        |s| {
            edit(
                s,
                "laws/law-x.md",
                "title: 法律X",
                "title: 法律X\nupdated: 2022-13-01",
            )
        },
        "E010",
        "laws/law-x.md",
        3,
    );
}

#[test]
fn malformed_schedule_when_underlines_the_bad_part() {
    let change = |s: &Site| {
        edit(
            s,
            "schedule/2022.yaml",
            "when: 2022-05 early",
            "when: 2022-05 erly",
        )
    };
    assert_error(change, "E012", "schedule/2022.yaml", 7);
    let (_, diags) = check_after(change);
    let d = find(&diags, "E012");
    assert_eq!(d.location.column, 19, "{}", d.render());
}

#[test]
fn milestone_ending_before_it_starts_is_an_error() {
    assert_error(
        |s| {
            edit(
                s,
                "roadmap/card-1.md",
                "start: FY2022, end: FY2023",
                "start: FY2023, end: FY2022",
            )
        },
        "E011",
        "roadmap/card-1.md",
        7,
    );
}

#[test]
fn id_breaking_the_rule_suggests_a_name() {
    let (_, diags) = check_after(|s| {
        s.write(
            "surveys/Chosa_B.md",
            "---\ntitle: B\ncategory: health\nfrequency: 毎月\nmethods: []\n---\n",
        )
    });
    let d = find(&diags, "E013");
    assert_eq!(d.location.path.to_string_lossy(), "surveys/Chosa_B.md");
    assert!(d.hint.as_deref().unwrap().contains("chosa-b.md"));
}

#[test]
fn duplicate_ids_name_both_files() {
    let (_, diags) = check_after(|s| s.write("pages/guide-1.md", "---\ntitle: 重複\n---\n"));
    let d = find(&diags, "E014");
    assert!(d.message.contains("guide-1"), "{}", d.render());
    assert!(d.message.contains("pages/"), "{}", d.render());
}

#[test]
fn duplicate_ids_differing_only_in_case_are_caught() {
    let (_, diags) = check_after(|s| s.write("laws/Law-X.md", "---\ntitle: 大文字\n---\n"));
    assert!(diags.iter().any(|d| d.code == "E014"), "{}", diags.render());
}

#[test]
fn reference_to_a_missing_id_suggests_the_closest() {
    let change = |s: &Site| {
        edit(
            s,
            "surveys/chosa-a.md",
            "contacts: [kikaku]",
            "contacts: [kikakuu]",
        )
    };
    assert_error(change, "E017", "surveys/chosa-a.md", 14);
    let (_, diags) = check_after(change);
    assert_eq!(
        find(&diags, "E017").hint.as_deref(),
        Some("did you mean `kikaku`?")
    );
}

#[test]
fn reference_to_a_draft_is_an_error() {
    assert_error(
        |s| {
            edit(
                s,
                "roadmap/card-1.md",
                "title: 工程１",
                "title: 工程１\ndraft: true",
            )
        },
        "E018",
        "surveys/chosa-a.md",
        16,
    );
}

#[test]
fn reference_to_a_draft_points_at_the_draft_too() {
    let (_, diags) = check_after(|s| {
        edit(
            s,
            "roadmap/card-1.md",
            "title: 工程１",
            "title: 工程１\ndraft: true",
        )
    });
    let d = find(&diags, "E018");
    let others: Vec<_> = d.secondary.iter().map(|l| &l.location.path).collect();
    assert_eq!(
        others,
        [std::path::Path::new("roadmap/card-1.md")],
        "{}",
        d.render()
    );
}

#[test]
fn malformed_related_entry_is_an_error() {
    assert_error(
        |s| {
            edit(
                s,
                "pages/guide/guide-1.md",
                "related: [surveys/chosa-a]",
                "related: [chosa-a]",
            )
        },
        "E019",
        "pages/guide/guide-1.md",
        4,
    );
}

#[test]
fn schedule_event_naming_a_missing_survey_is_an_error() {
    assert_error(
        |s| {
            edit(
                s,
                "schedule/2022.yaml",
                "survey: chosa-a",
                "survey: chosa-z",
            )
        },
        "E017",
        "schedule/2022.yaml",
        11,
    );
}

#[test]
fn body_link_to_a_missing_file_is_an_error() {
    assert_error(
        |s| {
            edit(
                s,
                "laws/law-x.md",
                "法律の目的。",
                "法律の目的。[無い](../laws/nai.md)",
            )
        },
        "E017",
        "laws/law-x.md",
        13,
    );
}

#[test]
fn body_link_to_a_missing_anchor_is_an_error() {
    assert_error(
        |s| edit(s, "surveys/chosa-a.md", "law-x.md#目的", "law-x.md#目標"),
        "E020",
        "surveys/chosa-a.md",
        22,
    );
}

#[test]
fn link_leaving_content_is_an_error() {
    assert_error(
        |s| {
            edit(
                s,
                "laws/law-x.md",
                "法律の目的。",
                "[外](../../../etc/passwd)",
            )
        },
        "E015",
        "laws/law-x.md",
        13,
    );
}

#[test]
fn javascript_link_is_an_error() {
    assert_error(
        |s| {
            edit(
                s,
                "laws/law-x.md",
                "法律の目的。",
                "[x](javascript:alert(1))",
            )
        },
        "E021",
        "laws/law-x.md",
        13,
    );
}

#[test]
fn unknown_field_is_a_warning_with_the_closest_name() {
    let (site, diags) =
        check_after(|s| edit(s, "laws/law-x.md", "short_title: X法", "short_titel: X法"));
    let d = find(&diags, "W001");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.location.line, 3);
    assert_eq!(d.hint.as_deref(), Some("did you mean `short_title`?"));
    assert!(site.build().is_ok(), "warnings do not stop a build");
}

#[test]
fn contact_nobody_names_is_a_warning() {
    let (_, diags) = check_after(|s| edit(s, "laws/law-x.md", "contacts: [hogo]\n", ""));
    let d = find(&diags, "W003");
    assert_eq!(d.location.path.to_string_lossy(), "contacts.yaml");
    assert_eq!(d.location.line, 10);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed() {
    let (_, diags) = check_after(|s| {
        std::os::unix::fs::symlink("..", s.root().join("content/pages/guide/loop")).unwrap()
    });
    assert!(diags.iter().any(|d| d.code == "E016"), "{}", diags.render());
}

#[test]
fn bom_crlf_and_trailing_whitespace_are_accepted() {
    let (_, diags) = check_after(|s| {
        let text = s.read("laws/law-x.md").replace('\n', "   \r\n");
        let mut bytes = vec![0xef, 0xbb, 0xbf];
        bytes.extend(text.as_bytes());
        std::fs::write(s.root().join("content/laws/law-x.md"), bytes).unwrap();
    });
    assert!(diags.is_empty(), "{}", diags.render());
}

#[test]
fn every_problem_is_listed_sorted_by_file_and_line() {
    let (_, diags) = check_after(|s| {
        edit(
            s,
            "surveys/chosa-a.md",
            "category: health",
            "category: helth",
        );
        edit(
            s,
            "surveys/chosa-a.md",
            "contacts: [kikaku]",
            "contacts: [nobody]",
        );
        edit(s, "laws/law-x.md", "status: in_force", "status: gone");
    });
    let places: Vec<(String, usize)> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.location.path.display().to_string(), d.location.line))
        .collect();
    assert_eq!(
        places,
        [
            ("laws/law-x.md".to_string(), 4),
            ("surveys/chosa-a.md".to_string(), 4),
            ("surveys/chosa-a.md".to_string(), 14)
        ]
    );
}

#[test]
fn rendered_diagnostics_read_well() {
    let (_, diags) = check_after(|s| {
        edit(
            s,
            "surveys/chosa-a.md",
            "category: health",
            "category: helth",
        );
        edit(
            s,
            "surveys/chosa-a.md",
            "contacts: [kikaku]",
            "contacts: [kikakuu]",
        );
        edit(
            s,
            "schedule/2022.yaml",
            "when: 2022-05 early",
            "when: 2022-05 erly",
        );
        edit(s, "laws/law-x.md", "status: in_force", "status: [in_force");
    });
    insta::assert_snapshot!(diags.render());
}

#[test]
fn local_government_other_than_true_or_false_is_an_error_that_says_to_leave_it_out() {
    let change = |s: &Site| {
        edit(
            s,
            "schedule/2022.yaml",
            "local_government: true",
            "local_government: unknown",
        )
    };
    assert_error(change, "E008", "schedule/2022.yaml", 12);
    let (_, diags) = check_after(change);
    let d = find(&diags, "E008");
    let hint = d.hint.as_deref().unwrap_or("");
    assert!(hint.contains("leave the line out"), "{}", d.render());

    let survey = |s: &Site| {
        edit(
            s,
            "surveys/chosa-a.md",
            "local_government: true",
            "local_government: yes please",
        )
    };
    assert_error(survey, "E008", "surveys/chosa-a.md", 10);
}

#[test]
fn milestone_basis_outside_stated_or_read_is_an_error_suggesting_the_closest() {
    let change = |s: &Site| {
        edit(
            s,
            "roadmap/card-1.md",
            "state: done}",
            "state: done, basis: reed}",
        )
    };
    assert_error(change, "E009", "roadmap/card-1.md", 6);
    let (_, diags) = check_after(change);
    let d = find(&diags, "E009");
    assert!(
        d.hint
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `read`?"),
        "{}",
        d.render()
    );
}

/// The line and column of the first diagnostic with `code`, after `change`.
fn position_after(change: impl FnOnce(&Site), code: &str) -> (usize, usize) {
    let (_, diags) = check_after(change);
    let d = find(&diags, code);
    (d.location.line, d.location.column)
}

#[test]
fn an_unknown_id_in_a_flow_list_points_at_that_entry() {
    // `kikak` is the start of `kikaku`: the entry is found by its place, not its text.
    let at = position_after(
        |s| {
            edit(
                s,
                "surveys/chosa-a.md",
                "contacts: [kikaku]",
                "contacts: [kikaku, kikak]",
            )
        },
        "E017",
    );
    assert_eq!(at, (14, 20));
}

#[test]
fn an_unknown_id_in_a_flow_list_over_several_lines_points_at_that_entry() {
    let at = position_after(
        |s| {
            edit(
                s,
                "surveys/chosa-a.md",
                "contacts: [kikaku]",
                "contacts: [\n    \"kikaku\", # 企画\n    'kikak' ]",
            )
        },
        "E017",
    );
    assert_eq!(at, (16, 6));
}

#[test]
fn an_unknown_id_in_a_block_list_points_at_that_entry() {
    let at = position_after(
        |s| {
            edit(
                s,
                "surveys/chosa-a.md",
                "contacts: [kikaku]",
                "contacts:\n  - kikaku\n  - kikak",
            )
        },
        "E017",
    );
    assert_eq!(at, (16, 5));
}

#[test]
fn a_value_outside_the_set_points_at_the_entry_in_flow_and_block_lists() {
    let flow = position_after(
        |s| {
            edit(
                s,
                "surveys/chosa-a.md",
                "methods: [online, mail]",
                "methods: [online, mai]",
            )
        },
        "E009",
    );
    assert_eq!(flow, (6, 19));
    let block = position_after(
        |s| {
            edit(
                s,
                "surveys/chosa-a.md",
                "methods: [online, mail]",
                "methods:\n  - online\n  -   mai # 郵送",
            )
        },
        "E009",
    );
    assert_eq!(block, (8, 7));
}

#[test]
fn a_quoted_scalar_value_is_pointed_at_inside_its_quotes() {
    let at = position_after(
        |s| {
            edit(
                s,
                "surveys/chosa-a.md",
                "category: health",
                "category:   \"helth\"",
            )
        },
        "E009",
    );
    assert_eq!(at, (4, 14));
}

#[test]
fn an_unknown_track_in_a_list_of_events_points_at_that_entry() {
    // An entry of the second event of a list of mappings, on the event's own line.
    let at = position_after(
        |s| {
            edit(
                s,
                "schedule/2022.yaml",
                "track: [health, labour]",
                "track: [health, labou]",
            )
        },
        "E017",
    );
    assert_eq!(at, (15, 21));
}

// Golden renderings: what an editor sees, drawn by annotate-snippets.

#[test]
fn marks_line_up_under_wide_characters() {
    // Nine wide characters and `[`, `]`, `(` before the link's target: its mark must
    // start under the `.` (the 22nd terminal column of the line), not at its character
    // count (the 13th), and cover the target exactly.
    let (_, diags) = check_after(|s| {
        let text = s.read("laws/law-x.md");
        s.write(
            "laws/law-x.md",
            &format!("{text}\n人口動態統計の[根拠](../laws/missing.md)を参照。\n"),
        );
    });
    let d = find(&diags, "E017");
    insta::assert_snapshot!(d.render());
}

#[test]
fn a_duplicate_id_points_at_both_files() {
    let (_, diags) = check_after(|s| s.write("pages/guide-1.md", "---\ntitle: 重複\n---\n"));
    let d = find(&diags, "E014");
    assert_eq!(d.secondary.len(), 1, "{}", d.render());
    let paths = [&d.location.path, &d.secondary[0].location.path];
    let mut paths: Vec<String> = paths.iter().map(|p| p.to_string_lossy().into()).collect();
    paths.sort();
    assert_eq!(paths, ["pages/guide-1.md", "pages/guide/guide-1.md"]);
    insta::assert_snapshot!(d.render());
}

#[test]
fn an_unknown_id_in_a_flow_list_is_drawn_under_that_entry() {
    let (_, diags) = check_after(|s| {
        edit(
            s,
            "surveys/chosa-a.md",
            "contacts: [kikaku]",
            "contacts: [kikaku, kikak]",
        )
    });
    let d = find(&diags, "E017");
    assert_eq!((d.location.line, d.location.column), (14, 20));
    insta::assert_snapshot!(d.render());
}

#[test]
fn a_duplicate_contact_id_points_at_the_first_row_too() {
    let (site, _) = check_after(|_| {});
    let text = site.read("contacts.yaml");
    let start = text.find("  - id: kikaku").expect("the first row");
    let end = text.find("  - id: hogo").expect("the second row");
    let row = &text[start..end];
    site.write("contacts.yaml", &format!("{}\n{row}", text.trim_end()));
    let diags = site.check().expect_err("a duplicate contact id fails");
    let d = find(&diags, "E014");
    assert_eq!(d.secondary.len(), 1, "{}", d.render());
    assert!(
        d.secondary[0].location.line < d.location.line,
        "{}",
        d.render()
    );
    insta::assert_snapshot!(d.render());
}
