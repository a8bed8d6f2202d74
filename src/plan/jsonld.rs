//! The JSON-LD block of a survey page: a schema.org `Dataset`, for search engines and
//! data catalogues. Only what is known goes in: `url` needs `base_url`,
//! `temporalCoverage` needs schedule events, `publisher` needs `organization`.
//!
//! The page's CSP (`script-src 'none'`) does not matter here: a JSON-LD block is data,
//! never executed, and crawlers parse it all the same.

use super::address::absolute;
use super::views::Views;
use crate::content::Details;
use crate::resolve::ItemRef;
use crate::urls;
use serde_json::{json, Map, Value};

/// The JSON text for a `<script type="application/ld+json">` of survey `i`, escaped for
/// embedding in HTML; `None` for other kinds.
pub fn survey(views: &Views, base_url: Option<&str>, i: ItemRef) -> Option<String> {
    let content = views.content;
    let item = &content.items[i];
    let Details::Survey {
        category,
        frequency,
        ..
    } = &item.details
    else {
        return None;
    };
    let mut ld = Map::new();
    ld.insert("@context".into(), json!("https://schema.org"));
    ld.insert("@type".into(), json!("Dataset"));
    ld.insert("name".into(), json!(item.common.title));
    let description = item
        .common
        .summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| format!("{}。調査時期：{}", category.label(), frequency));
    ld.insert("description".into(), json!(description));
    if let Some(base) = base_url {
        ld.insert(
            "url".into(),
            json!(absolute(base, &urls::item_url(item.kind, &item.id))),
        );
    }
    // The fiscal years of the schedules the survey's events are in, April to March.
    let years: Vec<i32> = views.graph.events[i]
        .iter()
        .map(|&(s, _)| content.schedules[s].fiscal_year)
        .collect();
    if let (Some(first), Some(last)) = (years.iter().min(), years.iter().max()) {
        ld.insert(
            "temporalCoverage".into(),
            json!(format!("{first:04}-04/{:04}-03", last + 1)),
        );
    }
    if let Some(org) = content
        .site
        .organization
        .as_deref()
        .filter(|o| !o.trim().is_empty())
    {
        ld.insert(
            "publisher".into(),
            json!({"@type": "Organization", "name": org}),
        );
    }
    let text = serde_json::to_string(&Value::Object(ld)).unwrap_or_default();
    Some(escape_for_script(&text))
}

/// Makes JSON safe inside `<script>`: `</` cannot end the element (`<\/` is the same
/// JSON string) and `<!--` cannot open an HTML comment (`\u003c` is the same `<`).
pub fn escape_for_script(json: &str) -> String {
    json.replace("<!--", "\\u003c!--").replace("</", "<\\/")
}

#[cfg(test)]
mod tests {
    use super::escape_for_script;

    #[test]
    fn script_end_and_comment_cannot_break_out() {
        let json = serde_json::to_string(&serde_json::json!({"name": "a</script><!--b"})).unwrap();
        let safe = escape_for_script(&json);
        assert!(!safe.contains("</"));
        assert!(!safe.contains("<!--"));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["name"], "a</script><!--b");
    }
}
