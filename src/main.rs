//! The command line: parses arguments, runs the library, prints diagnostics once, and
//! turns the outcome into an exit code.

use clap::{Parser, Subcommand, ValueEnum};

// Printing with `println!` panics when stdout is closed or full (`tebiki check | head`,
// `> /dev/full`); what tebiki prints is a report, so a reader that went away loses it
// and the exit code still tells the outcome.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod serve;

// Highlighting and templating allocate many small strings from two threads at once;
// mimalloc halves the time glibc malloc spends there (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use tebiki::calendar::Date;
use tebiki::diagnostics::Diagnostics;
use tebiki::formats::Format;
use tebiki::{BuildProfile, Options};

#[derive(Parser)]
#[command(
    name = "tebiki",
    version,
    about = "Builds the handbook site from content/ (Markdown + YAML) into a static site."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    /// Shows contact persons (the default, for the intranet).
    Intranet,
    /// Leaves every person's name out of every output file.
    Public,
}

#[derive(clap::Args)]
struct Common {
    /// The site's folder (holding content/ and optionally themes/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Which personal data may be published.
    #[arg(long, value_enum, default_value = "intranet")]
    profile: ProfileArg,
    /// The day "upcoming events" count from (YYYY-MM-DD); default: the first day of the
    /// newest fiscal year, so builds are reproducible.
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
    /// Prints how long each stage of the pipeline took.
    #[arg(long)]
    timings: bool,
    /// Preview: publishes drafts too (marked as drafts) and allows references to them.
    #[arg(long)]
    drafts: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Validates the site, then writes it to the output folder.
    Build {
        #[command(flatten)]
        common: Common,
        /// Where to write the site (replaced as a whole, only when the build succeeds).
        #[arg(long, default_value = "public")]
        output: PathBuf,
        /// The sub-path the site is served under, e.g. /handbook/ (pages link
        /// relatively and work anywhere; only absolute outputs use this).
        #[arg(long, default_value = "/")]
        base_path: String,
        /// Replaces the output folder even when tebiki did not write it (it has no
        /// .tebiki-output file), deleting everything in it. Folders holding the site's
        /// sources, a home folder and / are refused all the same.
        #[arg(long)]
        force: bool,
    },
    /// Validates the whole site and lists every problem, writing nothing.
    Check {
        #[command(flatten)]
        common: Common,
        /// Fails on warnings too.
        #[arg(long)]
        strict: bool,
        /// How to print the problems: for people (to stderr), or for CI as JSON, a GitLab
        /// Code Quality report or GitHub workflow commands (to stdout).
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
    },
    /// Live preview for editors: builds into memory (public/ is never touched), serves
    /// the site over HTTP and reloads open pages when content/ or themes/ change.
    Serve {
        #[command(flatten)]
        common: Common,
        /// The port to listen on (0: any free port; the address is printed).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; 0.0.0.0 or :: shows the preview to the whole network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The sub-path the site is served under, e.g. /handbook/.
        #[arg(long, default_value = "/")]
        base_path: String,
        /// Opens the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Polls for changes instead of using the system's file notifications (network
        /// drives, containers); taken on its own when the system runs out of them.
        #[arg(long)]
        poll: bool,
    },
    /// Starts a new item: writes content/<kind>/<id>.md with every field, commented, as a
    /// draft.
    New {
        /// What kind of item.
        #[arg(value_enum)]
        kind: KindArg,
        /// The id, which is also the file name: lower-case ASCII words joined by `-`.
        id: String,
        /// The page title (otherwise a placeholder to replace).
        #[arg(long)]
        title: Option<String>,
        /// The site's folder (holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    /// content/surveys/ (統計調査)
    Survey,
    /// content/laws/ (法律)
    Law,
    /// content/roadmap/ (工程表の項目)
    Roadmap,
    /// content/pages/ (解説などのページ)
    Page,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// Readable text with the source line marked (the default).
    Human,
    /// A JSON list, one object per problem (docs/diagnostics.schema.json).
    Json,
    /// A GitLab Code Quality report (artifacts:reports:codequality).
    Gitlab,
    /// GitHub Actions workflow commands (::error file=...,line=...::message).
    Github,
}

impl FormatArg {
    fn format(self) -> Format {
        match self {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Gitlab => Format::Gitlab,
            FormatArg::Github => Format::Github,
        }
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).map_err(|e| format!("{} (write YYYY-MM-DD)", e.message))
}

fn options(common: &Common) -> Options {
    let mut options = Options::new(&common.root);
    options.profile = match common.profile {
        ProfileArg::Intranet => BuildProfile::Intranet,
        ProfileArg::Public => BuildProfile::Public,
    };
    options.today = common.today;
    options.drafts = common.drafts;
    options
}

fn print_timings(common: &Common, report: &tebiki::Report) {
    if common.timings {
        for (stage, took) in &report.timings {
            errln!("{:>8.3} s  {stage}", took.as_secs_f64());
        }
    }
}

fn print(diagnostics: &Diagnostics) {
    if !diagnostics.is_empty() {
        err!("{}", diagnostics.render());
    }
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            common,
            output,
            base_path,
            force,
        } => {
            // Without this, Ctrl-C or a stopped CI job would leave the staging folder
            // and the lock file beside the output.
            if let Err(e) = tebiki::output::clean_up_on_signals() {
                errln!("warning: cannot clean up on interruption: {e}");
            }
            let mut options = options(&common);
            if std::io::stderr().is_terminal() {
                options.progress = Some(show_progress);
            }
            options.output = output;
            options.force = force;
            options.base_path = normalise_base_path(&base_path);
            match tebiki::build(&options) {
                Ok(report) => {
                    print(&report.diagnostics);
                    print_timings(&common, &report);
                    outln!(
                        "Built {} pages and copied {} files to {} in {:.2} s",
                        report.pages,
                        report.files_copied,
                        options.output.display(),
                        report.elapsed.as_secs_f64()
                    );
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => {
                    print(&diagnostics);
                    errln!(
                        "Build failed; {} was left as it was.",
                        options.output.display()
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check {
            common,
            strict,
            format,
        } => check(&common, strict, format.format()),
        Command::Serve {
            common,
            port,
            bind,
            base_path,
            open,
            poll,
        } => {
            let mut options = options(&common);
            options.base_path = normalise_base_path(&base_path);
            give_back_freed_memory();
            serve::run(serve::Config {
                options,
                bind,
                port,
                open,
                poll,
                timings: common.timings,
            })
        }
        Command::New {
            kind,
            id,
            title,
            root,
        } => new_item(&root, kind, &id, title.as_deref()),
    }
}

fn new_item(root: &std::path::Path, kind: KindArg, id: &str, title: Option<&str>) -> ExitCode {
    let kind = match kind {
        KindArg::Survey => tebiki::content::Kind::Survey,
        KindArg::Law => tebiki::content::Kind::Law,
        KindArg::Roadmap => tebiki::content::Kind::Roadmap,
        KindArg::Page => tebiki::content::Kind::Page,
    };
    match tebiki::scaffold::create(root, kind, id, title) {
        Ok(created) => {
            let shown = if root == std::path::Path::new(".") {
                created.path.clone()
            } else {
                root.join(&created.path)
            };
            outln!("Created {} (a draft: `draft: true`)", shown.display());
            outln!(
                "Next: fill in the fields (each is explained in the file), set `draft: false`, then run `cargo run -- check`"
            );
            outln!("Preview it with `cargo run -- build --drafts --output preview`");
            ExitCode::SUCCESS
        }
        Err(d) => {
            print(&single(d));
            ExitCode::FAILURE
        }
    }
}

fn single(d: tebiki::diagnostics::Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.push(d);
    all
}

/// `check`: the human report goes to stderr as before; a machine report goes alone to
/// stdout (so it can be redirected into an artifact), its summary to stderr.
fn check(common: &Common, strict: bool, format: Format) -> ExitCode {
    let result = tebiki::check(&options(common));
    let diagnostics = match &result {
        Ok(report) => &report.diagnostics,
        Err(diagnostics) => diagnostics,
    };
    if format == Format::Human {
        print(diagnostics);
    } else {
        out!(
            "{}",
            tebiki::formats::render(format, diagnostics, &common.root)
        );
    }
    match result {
        Ok(report) => {
            print_timings(common, &report);
            if strict && !report.diagnostics.is_empty() {
                errln!("check --strict: warnings count as errors");
                ExitCode::FAILURE
            } else {
                let summary = format!(
                    "No errors ({} warnings) in {:.2} s",
                    report.diagnostics.warning_count(),
                    report.elapsed.as_secs_f64()
                );
                if format == Format::Human {
                    outln!("{summary}");
                } else {
                    errln!("{summary}");
                }
                ExitCode::SUCCESS
            }
        }
        Err(diagnostics) => {
            if format != Format::Human {
                errln!(
                    "{} error(s), {} warning(s)",
                    diagnostics.error_count(),
                    diagnostics.warning_count()
                );
            }
            ExitCode::FAILURE
        }
    }
}

/// One line of progress on the terminal, rewritten in place; cleared at the end so the
/// summary that follows stands alone.
fn show_progress(done: usize, total: usize) {
    if done >= total {
        err!("\r\x1b[2K");
    } else {
        err!("\rWriting pages: {done} of {total}");
    }
}

fn normalise_base_path(p: &str) -> String {
    let trimmed = p.trim().trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

/// mimalloc asks the kernel for transparent huge pages on its large regions. A build
/// touches each page of them briefly, so the kernel zeroed 2 MiB where 4 KiB would do:
/// without them a 10,000-page build peaked about a tenth lower in the same CPU time
/// (docs/performance.md). Where the kernel cannot say no, the build simply goes on.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// `serve` holds a whole site for hours. By default mimalloc keeps memory freed by the
/// build's worker threads for reuse: about 190 MiB more after the first build of 10,000
/// pages (docs/performance.md). Freed memory goes back to the system at once instead.
/// The numbers are those of mimalloc's `mi_option_e` as the bundled library declares
/// them; an option is changed only while it holds its documented default, so another
/// library version leaves them alone rather than changing something else.
fn give_back_freed_memory() {
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: reading and setting allocator options takes no pointers and is allowed at
    // any time; the options named exist in every mimalloc 2 and 3.
    unsafe {
        if libmimalloc_sys::mi_option_get(ARENA_EAGER_COMMIT) == 2 {
            libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        }
        // 10 ms in mimalloc 2, 1 s in 3.
        if matches!(libmimalloc_sys::mi_option_get(PURGE_DELAY), 10 | 1000) {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
        }
    }
}
