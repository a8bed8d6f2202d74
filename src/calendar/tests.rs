//! The date grammar, arithmetic and labels, through the module's public face.

use super::when::HINT;
use super::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn w(s: &str) -> When {
    s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn err(s: &str) -> WhenError {
    match s.parse::<When>() {
        Ok(w) => panic!("{s:?} parsed as {w:?}"),
        Err(e) => e,
    }
}

/// The underlined text, so tests read as what the editor would see.
fn underlined(s: &str) -> &str {
    let e = err(s);
    &s[e.offset..e.offset + e.len]
}

fn days(s: &str) -> (String, String) {
    let when = w(s);
    (when.first_day().to_string(), when.last_day().to_string())
}

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth { year, month }
}

#[test]
fn date_parses_and_displays_padded() {
    let date = d("2022-05-10");
    assert_eq!(
        date,
        Date {
            year: 2022,
            month: 5,
            day: 10
        }
    );
    assert_eq!(date.to_string(), "2022-05-10");
    assert_eq!(date.ymd_compact(), "20220510");
}

#[test]
fn date_parse_is_strict_about_digit_counts_and_whitespace() {
    for bad in [
        "2022-5-10",
        "22-05-10",
        "2022-05-1",
        " 2022-05-10",
        "2022-05-10 ",
        "2022/05/10",
        "2022-05",
        "2022-05-10-01",
        "２０２２-05-10",
    ] {
        assert!(Date::parse(bad).is_err(), "{bad:?} accepted");
    }
    let e = Date::parse("2022-5-10").unwrap_err();
    assert_eq!((e.offset, e.len), (5, 1));
}

#[test]
fn leap_years_follow_the_gregorian_century_rule() {
    assert!(!is_leap_year(1900));
    assert!(is_leap_year(2000));
    assert!(is_leap_year(2024));
    assert!(!is_leap_year(2023));
    assert!(Date::parse("1900-02-29").is_err());
    assert!(Date::parse("2000-02-29").is_ok());
    assert!(Date::parse("2024-02-29").is_ok());
    assert!(Date::parse("2023-02-29").is_err());
}

#[test]
fn succ_rolls_over_month_year_and_leap_day() {
    assert_eq!(d("2022-05-10").succ(), d("2022-05-11"));
    assert_eq!(d("2022-04-30").succ(), d("2022-05-01"));
    assert_eq!(d("2022-12-31").succ(), d("2023-01-01"));
    assert_eq!(d("2024-02-28").succ(), d("2024-02-29"));
    assert_eq!(d("2024-02-29").succ(), d("2024-03-01"));
    assert_eq!(d("2023-02-28").succ(), d("2023-03-01"));
}

#[test]
fn dates_order_chronologically() {
    assert!(d("2022-12-31") < d("2023-01-01"));
    assert!(d("2022-05-09") < d("2022-05-10"));
    assert!(d("2022-04-30") < d("2022-05-01"));
}

#[test]
fn year_month_parses_and_counts_days() {
    let m = YearMonth::parse("2022-05").unwrap();
    assert_eq!(m, ym(2022, 5));
    assert_eq!(m.to_string(), "2022-05");
    assert_eq!(ym(2022, 4).days_in_month(), 30);
    assert_eq!(ym(2023, 2).days_in_month(), 28);
    assert_eq!(ym(2024, 2).days_in_month(), 29);
    assert!(YearMonth::parse("2022-05-10").is_err());
    assert!(YearMonth::parse("2022-13").is_err());
}

#[test]
fn ja_number_is_full_width_only_for_single_digits() {
    assert_eq!(ja_number(0), "０");
    assert_eq!(ja_number(4), "４");
    assert_eq!(ja_number(9), "９");
    assert_eq!(ja_number(10), "10");
    assert_eq!(ja_number(31), "31");
}

#[test]
fn meiji_starts_on_1868_10_23_with_western_year_before() {
    assert_eq!(era_year(1868, 10, 22), "1868年");
    assert_eq!(era_year(1868, 10, 23), "明治元年");
    assert_eq!(era_year(1867, 1, 1), "1867年");
}

#[test]
fn taisho_starts_on_1912_07_30() {
    assert_eq!(era_year(1912, 7, 29), "明治45年");
    assert_eq!(era_year(1912, 7, 30), "大正元年");
}

#[test]
fn showa_starts_on_1926_12_25() {
    assert_eq!(era_year(1926, 12, 24), "大正15年");
    assert_eq!(era_year(1926, 12, 25), "昭和元年");
}

#[test]
fn heisei_starts_on_1989_01_08() {
    assert_eq!(era_year(1989, 1, 7), "昭和64年");
    assert_eq!(era_year(1989, 1, 8), "平成元年");
}

#[test]
fn reiwa_starts_on_2019_05_01() {
    assert_eq!(era_year(2019, 4, 30), "平成31年");
    assert_eq!(era_year(2019, 5, 1), "令和元年");
}

#[test]
fn era_years_after_the_first_count_up_with_government_digits() {
    assert_eq!(era_year(2020, 1, 1), "令和２年");
    assert_eq!(era_year(2022, 5, 10), "令和４年");
    assert_eq!(era_year(2028, 1, 1), "令和10年");
    assert_eq!(era_year(1990, 1, 1), "平成２年");
}

#[test]
fn early_covers_1st_to_10th() {
    assert_eq!(
        days("2022-05 early"),
        ("2022-05-01".into(), "2022-05-10".into())
    );
    assert_eq!(
        days("2023-02 early"),
        ("2023-02-01".into(), "2023-02-10".into())
    );
}

#[test]
fn mid_covers_11th_to_20th() {
    assert_eq!(
        days("2022-05 mid"),
        ("2022-05-11".into(), "2022-05-20".into())
    );
    assert_eq!(
        days("2024-02 mid"),
        ("2024-02-11".into(), "2024-02-20".into())
    );
}

#[test]
fn late_covers_21st_to_end_of_30_and_31_day_months() {
    assert_eq!(
        days("2022-04 late"),
        ("2022-04-21".into(), "2022-04-30".into())
    );
    assert_eq!(
        days("2022-05 late"),
        ("2022-05-21".into(), "2022-05-31".into())
    );
}

#[test]
fn late_covers_21st_to_end_of_february_in_leap_year() {
    assert_eq!(
        days("2024-02 late"),
        ("2024-02-21".into(), "2024-02-29".into())
    );
    assert_eq!(
        days("2000-02 late"),
        ("2000-02-21".into(), "2000-02-29".into())
    );
}

#[test]
fn late_covers_21st_to_28th_of_february_in_common_year() {
    assert_eq!(
        days("2023-02 late"),
        ("2023-02-21".into(), "2023-02-28".into())
    );
    assert_eq!(
        days("1900-02 late"),
        ("1900-02-21".into(), "1900-02-28".into())
    );
}

#[test]
fn month_covers_the_whole_month() {
    assert_eq!(days("2022-06"), ("2022-06-01".into(), "2022-06-30".into()));
    assert_eq!(days("2024-02"), ("2024-02-01".into(), "2024-02-29".into()));
}

#[test]
fn day_covers_itself_and_exports_exclusive_end() {
    let when = w("2022-06-20");
    assert_eq!(when.first_day(), d("2022-06-20"));
    assert_eq!(when.last_day(), d("2022-06-20"));
    assert_eq!(when.last_day().succ().ymd_compact(), "20220621");
}

#[test]
fn span_is_inclusive_from_start_of_first_to_end_of_last() {
    assert_eq!(
        days("2022-09 .. 2022-11"),
        ("2022-09-01".into(), "2022-11-30".into())
    );
    assert_eq!(
        days("2023-02 late .. 2023-03"),
        ("2023-02-21".into(), "2023-03-31".into())
    );
    assert_eq!(
        days("2022-05-10 .. 2022-05 mid"),
        ("2022-05-10".into(), "2022-05-20".into())
    );
    let span = w("2022-05 mid .. 2022-06 early");
    assert!(span.contains(d("2022-05-11")));
    assert!(span.contains(d("2022-06-10")));
    assert!(!span.contains(d("2022-05-10")));
    assert!(!span.contains(d("2022-06-11")));
}

#[test]
fn span_across_year_change_covers_both_years() {
    assert_eq!(
        days("2022-12 late .. 2023-01"),
        ("2022-12-21".into(), "2023-01-31".into())
    );
    assert_eq!(
        w("2022-12 late .. 2023-01").japanese(),
        "令和４年12月下旬～令和５年１月"
    );
}

#[test]
fn span_of_a_point_with_itself_is_allowed_and_reads_as_the_point() {
    let when = w("2022-05 early .. 2022-05 early");
    assert_eq!(
        days("2022-05 early .. 2022-05 early"),
        ("2022-05-01".into(), "2022-05-10".into())
    );
    assert_eq!(when.japanese(), "令和４年５月上旬");
}

#[test]
fn parse_tolerates_missing_and_extra_whitespace() {
    let expected = When::Span(
        Point::Month(ym(2022, 9)),
        Point::Part(ym(2022, 11), Part::Late),
    );
    assert_eq!(w("2022-09..2022-11 late"), expected);
    assert_eq!(w("  2022-09   ..\t2022-11   late \n"), expected);
    assert_eq!(w("2022-09\u{3000}..\u{3000}2022-11 late"), expected);
    assert_eq!(
        w(" 2022-05  early "),
        When::At(Point::Part(ym(2022, 5), Part::Early))
    );
}

#[test]
fn display_round_trips_through_parse() {
    for s in [
        "2022-05",
        "2022-05 early",
        "2022-05-10",
        "2022-12 late .. 2023-01-05",
    ] {
        assert_eq!(w(s).to_string(), s);
        assert_eq!(w(&w(s).to_string()), w(s));
    }
}

#[test]
fn japanese_renders_points_with_era() {
    assert_eq!(w("2022-05 early").japanese(), "令和４年５月上旬");
    assert_eq!(w("2022-05 mid").japanese(), "令和４年５月中旬");
    assert_eq!(w("2022-06").japanese(), "令和４年６月");
    assert_eq!(w("2022-06-20").japanese(), "令和４年６月20日");
    assert_eq!(w("2019-05-01").japanese(), "令和元年５月１日");
    assert_eq!(d("2019-04-30").japanese(), "平成31年４月30日");
}

#[test]
fn japanese_span_repeats_era_and_year_only_when_year_changes() {
    assert_eq!(w("2022-09 .. 2022-11").japanese(), "令和４年９月～11月");
    assert_eq!(
        w("2023-02 late .. 2023-03").japanese(),
        "令和５年２月下旬～３月"
    );
    assert_eq!(
        w("2022-12 late .. 2023-01").japanese(),
        "令和４年12月下旬～令和５年１月"
    );
}

#[test]
fn japanese_span_within_one_month_drops_the_repeated_month() {
    assert_eq!(
        w("2022-05 early .. 2022-05 mid").japanese(),
        "令和４年５月上旬～中旬"
    );
    assert_eq!(
        w("2022-06-20 .. 2022-06-25").japanese(),
        "令和４年６月20日～25日"
    );
    assert_eq!(
        w("2022-05-05 .. 2022-05 mid").japanese(),
        "令和４年５月５日～５月中旬"
    );
}

#[test]
fn japanese_span_across_era_change_repeats_the_era() {
    assert_eq!(
        w("2019-04 .. 2019-05").japanese(),
        "平成31年４月～令和元年５月"
    );
    assert_eq!(
        w("1989-01-05 .. 1989-01-10").japanese(),
        "昭和64年１月５日～平成元年１月10日"
    );
}

#[test]
fn month_straddling_an_era_change_takes_the_era_of_its_first_day() {
    assert_eq!(w("1989-01").japanese(), "昭和64年１月");
    assert_eq!(w("1989-01 late").japanese(), "平成元年１月下旬");
}

#[test]
fn pre_meiji_dates_fall_back_to_western_years() {
    assert_eq!(w("1867-05-03").japanese(), "1867年５月３日");
}

#[test]
fn western_label_uses_ascii_digits() {
    assert_eq!(w("2022-05 early").western_label(), "2022年5月上旬");
    assert_eq!(w("2022-06-20").western_label(), "2022年6月20日");
    assert_eq!(w("2022-09 .. 2022-11").western_label(), "2022年9月～11月");
    assert_eq!(
        w("2022-12 late .. 2023-01").western_label(),
        "2022年12月下旬～2023年1月"
    );
}

#[test]
fn fiscal_year_of_january_to_march_is_the_previous_year() {
    assert_eq!(w("2023-01").fiscal_year(), 2022);
    assert_eq!(w("2023-03 late").fiscal_year(), 2022);
    assert_eq!(w("2023-03-31").fiscal_year(), 2022);
    assert_eq!(w("2023-04-01").fiscal_year(), 2023);
    assert_eq!(w("2022-12-31").fiscal_year(), 2022);
}

#[test]
fn fiscal_year_of_a_span_is_that_of_its_first_day() {
    assert_eq!(w("2023-03 late .. 2023-04 early").fiscal_year(), 2022);
}

#[test]
fn fiscal_year_label_uses_era_in_force_on_april_first() {
    assert_eq!(fiscal_year_label(2019), "平成31年度");
    assert_eq!(fiscal_year_label(2020), "令和２年度");
    assert_eq!(fiscal_year_label(2022), "令和４年度");
    assert_eq!(fiscal_year_label(1989), "平成元年度");
    assert_eq!(fiscal_year_label(1988), "昭和63年度");
}

#[test]
fn fiscal_point_parses_fiscal_years_and_months() {
    let fy: FiscalPoint = "FY2022".parse().unwrap();
    assert_eq!(fy, FiscalPoint::FiscalYear(2022));
    assert_eq!(fy.first_day(), d("2022-04-01"));
    assert_eq!(fy.last_day(), d("2023-03-31"));
    assert_eq!(fy.japanese(), "令和４年度");
    assert_eq!(fy.western_label(), "2022年度");
    assert_eq!(fy.to_string(), "FY2022");

    let month: FiscalPoint = " 2021-10 ".parse().unwrap();
    assert_eq!(month, FiscalPoint::Month(ym(2021, 10)));
    assert_eq!(month.first_day(), d("2021-10-01"));
    assert_eq!(month.last_day(), d("2021-10-31"));
    assert_eq!(month.japanese(), "令和３年10月");
    assert_eq!(month.fiscal_year(), 2021);
}

#[test]
fn fiscal_point_rejects_days_bad_years_and_lowercase_prefix() {
    let cases = [
        ("FY22", "22"),
        ("fy2022", "fy"),
        ("2021-10-01", "2021-10-01"),
        ("2021-13", "13"),
        ("FY2022 late", "late"),
        ("", ""),
    ];
    for (input, bad) in cases {
        let e = input.parse::<FiscalPoint>().unwrap_err();
        assert_eq!(&input[e.offset..e.offset + e.len], bad, "{input:?}");
        assert!(e.hint.contains("FY2022"), "{input:?}: {}", e.hint);
    }
}

#[test]
fn error_month_zero_and_thirteen_underline_the_month() {
    let e = err("2022-00");
    assert_eq!((e.offset, e.len), (5, 2));
    assert!(e.message.contains("month"));
    let e = err("2022-05 .. 2022-13 late");
    assert_eq!((e.offset, e.len), (16, 2));
}

#[test]
fn error_day_out_of_range_underlines_the_day() {
    let e = err("2022-04-31");
    assert_eq!((e.offset, e.len), (8, 2));
    assert!(e.message.contains("30 days"), "{}", e.message);
    assert_eq!(underlined("2023-02-29"), "29");
    assert_eq!(underlined("2022-05-00"), "00");
}

#[test]
fn error_unpadded_or_malformed_fields_underline_the_field() {
    assert_eq!(underlined("2022-5"), "5");
    assert_eq!(underlined("22-05"), "22");
    assert_eq!(underlined("2022-05-1 .. 2022-06"), "1");
    assert_eq!(underlined("May 2022"), "May");
    assert_eq!(underlined("2022"), "2022");
    assert_eq!(underlined("2022-05-10-11"), "2022-05-10-11");
    assert_eq!(err("2022-5").hint, HINT);
}

#[test]
fn error_unknown_part_suggests_the_closest_word() {
    let e = err("2022-05 erly");
    assert_eq!((e.offset, e.len), (8, 4));
    assert!(e.message.contains("did you mean `early`"), "{}", e.message);
    assert!(e.hint.contains("2022-05 early"), "{}", e.hint);
    assert!(err("2022-05 lat").message.contains("`late`"));
    assert!(err("2022-05 middle").message.contains("`mid`"));
    assert!(err("2022-05 上旬").message.contains("`early`"));
    assert!(err("2022-05 下旬").message.contains("`late`"));
    let e = err("2022-05 Early");
    assert!(e.message.contains("`early`"));
    assert_eq!(underlined("2022-05 Early"), "Early");
}

#[test]
fn error_part_after_a_full_date_underlines_the_part() {
    let e = err("2022-05-10 early");
    assert_eq!((e.offset, e.len), (11, 5));
}

#[test]
fn error_span_ending_before_it_starts_underlines_the_end() {
    let e = err("2022-11 .. 2022-09");
    assert_eq!((e.offset, e.len), (11, 7));
    assert!(e.message.contains("ends before it starts"));
    assert_eq!(underlined("2022-05 late .. 2022-05 mid"), "2022-05 mid");
    assert_eq!(underlined("2023-01-01 .. 2022-12 late"), "2022-12 late");
    assert_eq!(underlined("2022-05-15 .. 2022-05 early"), "2022-05 early");
}

#[test]
fn error_span_whose_end_falls_inside_its_start() {
    let e = err("2022-05 .. 2022-05-10");
    assert!(e.message.contains("ends before it starts"));
    assert_eq!(underlined("2022-05 .. 2022-05-10"), "2022-05-10");
    assert_eq!(underlined("2022-05-20 .. 2022-05"), "2022-05");
}

#[test]
fn error_span_missing_a_side_underlines_the_dots() {
    let e = err("2022-05 ..");
    assert_eq!((e.offset, e.len), (8, 2));
    assert!(e.message.contains("no end"));
    let e = err(".. 2022-05");
    assert_eq!((e.offset, e.len), (0, 2));
    assert!(e.message.contains("no start"));
}

#[test]
fn error_wrong_separators_underline_the_separator() {
    assert_eq!(underlined("2022-05 ... 2022-06"), "...");
    assert_eq!(underlined("2022-05 . 2022-06"), ".");
    assert_eq!(underlined("2022-05 .. 2022-06 .. 2022-07"), "..");
    assert_eq!(err("2022-05 .. 2022-06 .. 2022-07").offset, 19);
    assert_eq!(underlined("2022-05～2022-06"), "～");
    assert_eq!(underlined("2022-05 ~ 2022-06"), "~");
    assert_eq!(underlined("2022-05 to 2022-06"), "to");
}

#[test]
fn error_extra_words_underline_everything_after_the_date() {
    assert_eq!(underlined("2022-05 early please now"), "please now");
}

#[test]
fn error_empty_input_reports_no_date() {
    let e = err("");
    assert_eq!((e.offset, e.len), (0, 0));
    let e = err("   ");
    assert_eq!((e.offset, e.len), (0, 3));
    assert_eq!(e.hint, HINT);
}

#[test]
fn error_offsets_count_bytes_after_multibyte_text() {
    // The ideographic space is three bytes; the caller slices by these offsets.
    let s = "\u{3000}2022-13";
    let e = err(s);
    assert_eq!((e.offset, e.len), (8, 2));
    assert_eq!(&s[e.offset..e.offset + e.len], "13");
}

#[test]
fn error_spans_always_slice_the_input_on_char_boundaries() {
    let inputs = [
        "令和４年５月",
        "2022-05 上旬",
        "２０２２-05",
        "2022-05 ..",
        "2022-０５-10",
        "2022-05-10 ～ 2022-06",
        "2022-05 early .. 中旬",
        "…",
        "2022-05 .. 2022-04 late",
    ];
    for s in inputs {
        let e = err(s);
        assert!(s.get(e.offset..e.offset + e.len).is_some(), "{s:?}: {e:?}");
        if let Err(e) = s.parse::<FiscalPoint>() {
            assert!(s.get(e.offset..e.offset + e.len).is_some(), "{s:?}: {e:?}");
        }
    }
    assert!("令和４年度".parse::<FiscalPoint>().is_err());
}
