//! What a request asks for: its target turned into a path of the built site, or refused.
//! Lookups go only into the generation's table of output paths, so a target can never
//! name a file outside the site; this module refuses the shapes an attacker or a broken
//! client sends (`..`, encoded dots, NUL, backslashes, absolute forms) before any lookup.

/// Where a request goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the site, by its output path (`surveys/a/index.html`).
    Site(String),
    /// One of serve's own files (`reload.js`, `events`), under `__tebiki/`.
    Own(String),
    /// The same address with a slash added (a folder asked for without one).
    Redirect(String),
    /// Outside the base path: nothing here.
    Outside,
    /// A malformed or hostile target.
    Bad(&'static str),
}

/// The folder of serve's own endpoints, under the base path. A content file under
/// `content/__tebiki/` would be shadowed by it (documented in docs/serve.md).
pub const OWN: &str = "__tebiki/";

/// Turns a request target (`/handbook/surveys/a/?x`) into what to serve. `base` is the
/// normalised base path (`/` or `/handbook/`).
pub fn parse(target: &str, base: &str) -> Target {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        // Absolute-form (`http://host/...`) and asterisk-form targets: not for a preview.
        return Target::Bad("the request target must be a path starting with /");
    }
    let decoded = match percent_decode(path) {
        Some(d) => d,
        None => return Target::Bad("the path is not valid percent-encoded UTF-8"),
    };
    if decoded.contains('\0') || decoded.contains('\\') {
        return Target::Bad("the path holds NUL or a backslash");
    }
    if decoded.chars().any(char::is_control) {
        return Target::Bad("the path holds control characters");
    }
    if decoded.starts_with("//") {
        return Target::Bad("the path starts with //");
    }
    if decoded
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return Target::Bad("the path holds a . or .. segment");
    }
    // Windows drive letters and similar never name a page of the site.
    if decoded.split('/').any(|segment| segment.contains(':')) {
        return Target::Bad("the path holds a drive or scheme (:)");
    }
    let base_folder = base.trim_end_matches('/');
    if decoded == base_folder && !base_folder.is_empty() {
        return Target::Redirect(base.to_string());
    }
    let Some(rel) = decoded.strip_prefix(base) else {
        return Target::Outside;
    };
    if let Some(own) = rel.strip_prefix(OWN) {
        return Target::Own(own.to_string());
    }
    if rel.is_empty() || rel.ends_with('/') {
        Target::Site(format!("{rel}index.html"))
    } else {
        Target::Site(rel.to_string())
    }
}

/// Percent-decodes a path; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type of an output file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "ics" => "text/calendar; charset=utf-8",
        "vcf" => "text/vcard; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_targets_are_refused_before_any_lookup() {
        for target in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2fetc%2fpasswd",
            "/.%2e/x",
            "/a/%00.html",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "//etc/passwd",
            "/%2fetc/passwd",
            "http://example.org/x",
            "*",
            "/C:/Windows/win.ini",
            "/%ff",
            "/%zz",
            "/a/./b",
        ] {
            assert!(
                matches!(parse(target, "/"), Target::Bad(_)),
                "{target}: {:?}",
                parse(target, "/")
            );
        }
    }

    #[test]
    fn site_paths_and_base_path() {
        assert_eq!(
            parse("/handbook/surveys/a/?x=1", "/handbook/"),
            Target::Site("surveys/a/index.html".into())
        );
        assert_eq!(
            parse("/handbook/", "/handbook/"),
            Target::Site("index.html".into())
        );
        assert_eq!(
            parse("/handbook", "/handbook/"),
            Target::Redirect("/handbook/".into())
        );
        assert_eq!(parse("/surveys/a/", "/handbook/"), Target::Outside);
        assert_eq!(
            parse("/tags/%E5%8C%BB%E7%99%82/", "/"),
            Target::Site("tags/医療/index.html".into())
        );
        assert_eq!(parse("/__tebiki/events", "/"), Target::Own("events".into()));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("schedule/2022.ics"),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(
            content_type("contacts/contacts.vcf"),
            "text/vcard; charset=utf-8"
        );
        assert_eq!(content_type("x.PNG"), "image/png");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
