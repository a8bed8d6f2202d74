//! `check --format json|gitlab|github`: each output checked against its published shape
//! (our JSON Schema; GitLab's Code Quality fields; GitHub's workflow-command syntax), by
//! running the real binary in a fixture site with mistakes in it.

mod common;

use common::Site;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// A file name that breaks the id rule and holds every character GitHub's property
/// escaping must handle.
const ODD_FILE: &str = "surveys/Bad,Id:x%.md";

fn broken_site() -> Site {
    let site = Site::copy_of("basic");
    site.write(
        ODD_FILE,
        "---\ntitle: x\ncategory: health\nfrequency: 毎月\nmethods: [online]\ncontacts: [nobody]\n---\nbody\n",
    );
    site.write(
        "laws/law-y.md",
        "---\ntitle: 法律Y\ncolour: red\nstatus: enactd\n---\n本文\n",
    );
    // A duplicate id: one diagnostic on two files.
    site.write("pages/guide-1.md", "---\ntitle: 重複\n---\n");
    site
}

fn check(site: &Site, format: &str) -> Output {
    // From the site's folder with the default --root, as CI runs it, so paths come out
    // relative to the repository.
    Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .current_dir(site.root())
        .args(["check", "--format", format])
        .output()
        .expect("tebiki runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

fn schema() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn json_matches_the_published_schema_and_says_where() {
    jsonschema::meta::validate(&schema()).expect("a valid draft 2020-12 schema");
    let validator = jsonschema::draft202012::new(&schema()).expect("the schema compiles");
    let site = broken_site();
    let out = check(&site, "json");
    assert!(!out.status.success(), "errors must fail the check");
    let data: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&data)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let all = data.as_array().unwrap();
    let find = |code: &str| {
        all.iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {data:#}"))
    };
    let reference = find("E017");
    assert_eq!(reference["file"], "content/surveys/Bad,Id:x%.md");
    assert_eq!(reference["line"], 6);
    assert_eq!(reference["column"], 12);
    assert_eq!(
        reference["end"],
        serde_json::json!({"line": 6, "column": 18})
    );
    assert_eq!(reference["severity"], "error");
    let unknown = find("W001");
    assert_eq!(unknown["severity"], "warning");
    assert_eq!(unknown["file"], "content/laws/law-y.md");
    assert_eq!(unknown["line"], 3);
    assert!(unknown["hint"].as_str().is_some());
    let whole_file = find("E013");
    assert!(whole_file["line"].is_null() && whole_file["end"].is_null());
    assert_eq!(reference["labels"], serde_json::json!([]));
    let duplicate = find("E014");
    assert_eq!(duplicate["file"], "content/pages/guide-1.md");
    assert_eq!(
        (&duplicate["line"], &duplicate["column"]),
        (&2.into(), &8.into())
    );
    assert_eq!(
        duplicate["labels"],
        serde_json::json!([{
            "file": "content/pages/guide/guide-1.md",
            "line": 2,
            "column": 8,
            "end": {"line": 2, "column": 11},
            "message": "`guide-1` is already the id of this file",
        }])
    );

    // A clean site: an empty list, and success.
    let clean = Site::copy_of("basic");
    let out = check(&clean, "json");
    assert!(out.status.success());
    let data: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(validator.is_valid(&data));
    assert_eq!(data, serde_json::json!([]));
}

/// The fields GitLab's Code Quality widget reads, with the types its documentation gives.
fn assert_gitlab_shape(report: &serde_json::Value) {
    let issues = report
        .as_array()
        .expect("a Code Quality report is a JSON array");
    assert!(!issues.is_empty());
    let mut fingerprints = std::collections::BTreeSet::new();
    for issue in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "`{key}` must be a string: {issue}");
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap()),
            "{issue}"
        );
        let path = issue["location"]["path"].as_str().expect("location.path");
        assert!(
            !path.starts_with('/') && !path.starts_with("./"),
            "location.path must be relative to the repository, without ./: {path}"
        );
        let begin = issue["location"]["lines"]["begin"]
            .as_u64()
            .expect("location.lines.begin is an integer");
        assert!(begin >= 1);
        assert!(
            fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()),
            "fingerprints must be unique in a report"
        );
    }
}

fn fingerprints(report: &serde_json::Value) -> BTreeMap<String, String> {
    report
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                format!("{} {}", i["check_name"], i["description"]),
                i["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn gitlab_report_has_code_quality_fields_and_stable_fingerprints() {
    let site = broken_site();
    let out = check(&site, "gitlab");
    assert!(!out.status.success());
    let first: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_gitlab_shape(&first);
    let e017 = first
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["check_name"] == "E017")
        .expect("the E017 issue");
    assert_eq!(e017["location"]["path"], "content/surveys/Bad,Id:x%.md");
    assert_eq!(e017["location"]["lines"]["begin"], 6);
    assert_eq!(e017["severity"], "major");
    let e014 = first
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["check_name"] == "E014")
        .expect("the E014 issue");
    assert_eq!(
        e014["other_locations"],
        serde_json::json!([{"path": "content/pages/guide/guide-1.md", "lines": {"begin": 2}}])
    );

    // The same content gives the same fingerprints, run after run...
    let again: serde_json::Value = serde_json::from_str(&stdout(&check(&site, "gitlab"))).unwrap();
    assert_eq!(fingerprints(&first), fingerprints(&again));
    // ...and a problem that only moved down a line is still the same issue.
    site.write(
        ODD_FILE,
        "---\ntitle: x\nsummary: 追加した行\ncategory: health\nfrequency: 毎月\nmethods: [online]\ncontacts: [nobody]\n---\nbody\n",
    );
    let moved: serde_json::Value = serde_json::from_str(&stdout(&check(&site, "gitlab"))).unwrap();
    let moved_e017 = moved
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["check_name"] == "E017")
        .unwrap();
    assert_eq!(moved_e017["location"]["lines"]["begin"], 7);
    assert_eq!(fingerprints(&first), fingerprints(&moved));
}

/// One parsed workflow command: `::name key=value,key=value::message`, unescaped the way
/// GitHub's runner does.
struct Command_ {
    name: String,
    props: BTreeMap<String, String>,
    message: String,
}

fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn parse_workflow_command(line: &str) -> Command_ {
    let rest = line
        .strip_prefix("::")
        .unwrap_or_else(|| panic!("a workflow command starts with `::`: {line}"));
    let (head, message) = rest
        .split_once("::")
        .unwrap_or_else(|| panic!("no `::` before the message: {line}"));
    // Unescaped `:`/`,` in properties or a raw newline in the message would break this.
    assert!(!message.contains('\r') && !message.contains('\n'));
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    let mut map = BTreeMap::new();
    for prop in props.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = prop
            .split_once('=')
            .unwrap_or_else(|| panic!("a property is key=value: {prop} in {line}"));
        assert!(!v.contains(':'), "unescaped `:` in a property: {line}");
        map.insert(k.to_string(), unescape(v));
    }
    Command_ {
        name: name.to_string(),
        props: map,
        message: unescape(message),
    }
}

#[test]
fn github_output_is_workflow_commands_with_escaped_values() {
    let site = broken_site();
    let out = check(&site, "github");
    assert!(!out.status.success());
    let text = stdout(&out);
    let commands: Vec<Command_> = text.lines().map(parse_workflow_command).collect();
    assert!(commands.len() >= 4, "{text}");
    for c in &commands {
        assert!(
            ["error", "warning"].contains(&c.name.as_str()),
            "{}",
            c.name
        );
        for key in c.props.keys() {
            assert!(
                ["file", "line", "endLine", "col", "endColumn", "title"].contains(&key.as_str()),
                "GitHub knows no property `{key}`"
            );
        }
        for key in ["line", "col", "endColumn"] {
            if let Some(v) = c.props.get(key) {
                assert!(v.parse::<u32>().is_ok_and(|n| n >= 1), "{key}={v}");
            }
        }
    }
    let reference = commands
        .iter()
        .find(|c| c.props.get("title").is_some_and(|t| t.ends_with("E017")))
        .expect("the E017 command");
    assert_eq!(reference.name, "error");
    // The file name holds `,`, `:` and `%`: escaped in the line, intact once parsed.
    assert_eq!(reference.props["file"], "content/surveys/Bad,Id:x%.md");
    assert_eq!(reference.props["line"], "6");
    assert_eq!(reference.props["col"], "12");
    assert!(reference.message.contains("`nobody`"));
    assert!(
        reference.message.contains("\nhint: "),
        "the hint is on its own line"
    );
    let duplicate = commands
        .iter()
        .find(|c| c.props.get("title").is_some_and(|t| t.ends_with("E014")))
        .expect("the E014 command");
    assert_eq!(duplicate.props["file"], "content/pages/guide-1.md");
    assert!(
        duplicate
            .message
            .contains("\nsee also: content/pages/guide/guide-1.md:2:8 ("),
        "{}",
        duplicate.message
    );
    let warning = commands
        .iter()
        .find(|c| c.name == "warning")
        .expect("a warning");
    assert_eq!(warning.props["file"], "content/laws/law-y.md");
}

#[test]
fn human_stays_the_default_and_machine_formats_keep_stdout_clean() {
    let site = broken_site();
    let human = Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .current_dir(site.root())
        .arg("check")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&human.stderr);
    assert!(
        stderr.contains("error[E017]") && stderr.contains("--> surveys/Bad,Id:x%.md:6:12"),
        "{stderr}"
    );
    assert!(human.stdout.is_empty());
    for format in ["json", "gitlab"] {
        let out = check(&site, format);
        assert!(!String::from_utf8_lossy(&out.stderr).contains("error["));
        serde_json::from_str::<serde_json::Value>(&stdout(&out))
            .expect("stdout holds only the report");
    }
}
