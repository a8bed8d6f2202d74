//! Addresses for readers outside the site (sitemap, feed, calendars, JSON-LD): the site
//! root from `base_url` and `--base-path`, and page URLs made absolute. Pages themselves
//! link relatively (urls.rs).

/// The absolute address of the site root, ending in `/`, when `site.yaml` has
/// `base_url`. A `base_url` without a path (`https://example.jp`) is joined with the
/// build's `--base-path`; one with a path (`https://example.jp/handbook/`) is used as
/// it is.
pub fn join_base(base_url: &str, base_path: &str) -> Option<String> {
    let raw = base_url.trim();
    if raw.is_empty() {
        return None;
    }
    let after_scheme = raw.find("://").map_or(0, |i| i + 3);
    let has_path = raw[after_scheme..]
        .find('/')
        .is_some_and(|i| !raw[after_scheme + i..].trim_matches('/').is_empty());
    let mut base = raw.trim_end_matches('/').to_string();
    let sub = base_path.trim().trim_matches('/');
    if !has_path && !sub.is_empty() {
        base.push('/');
        base.push_str(sub);
    }
    base.push('/');
    Some(base)
}

/// `base` (from `SitePages::base_url`) joined with a root-relative page URL, the path
/// percent-encoded (UTF-8) as sitemaps and most tools require.
pub fn absolute(base: &str, url: &str) -> String {
    let mut out = String::with_capacity(base.len() + url.len());
    out.push_str(base);
    for b in url.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'#'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls_percent_encode_non_ascii() {
        assert_eq!(
            absolute("https://example.jp/h/", "tags/医療/"),
            "https://example.jp/h/tags/%E5%8C%BB%E7%99%82/"
        );
        assert_eq!(
            absolute("https://example.jp/", "surveys/a-b/"),
            "https://example.jp/surveys/a-b/"
        );
    }

    #[test]
    fn base_url_takes_the_base_path_only_without_a_path_of_its_own() {
        let j = |u: &str, p: &str| join_base(u, p);
        assert_eq!(j("https://x.jp", "/"), Some("https://x.jp/".into()));
        assert_eq!(j("https://x.jp/", "/h/"), Some("https://x.jp/h/".into()));
        assert_eq!(j("https://x.jp", "h"), Some("https://x.jp/h/".into()));
        assert_eq!(
            j("https://x.jp/a/b", "/h/"),
            Some("https://x.jp/a/b/".into())
        );
        assert_eq!(j(" https://x.jp/a/ ", "/"), Some("https://x.jp/a/".into()));
        assert_eq!(j("  ", "/"), None);
    }
}
