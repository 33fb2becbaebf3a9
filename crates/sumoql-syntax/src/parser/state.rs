//! The operators that follow records through time and state: `transaction`, `transactionize`,
//! `merge`, `sessionize`, `trace`, `withtime`, `predict` and `filter`.

use super::error::{expected, fail};
use super::literal::{field_name, keyword, peek_keyword, string_literal, symbol, ws};
use super::nested::{enclosed, nested_stages};
use super::offset;
use super::options::{duration, option_name, unknown_option, whole_number};
use super::stage::name_list;
use super::{spanned, Input, PResult};
use crate::ast::{
    Boundary, FilterIn, Forecast, MergeField, MergeStrategy, Name, Predict, SessionPattern, Stage,
    StateStage, StateTest, Trace, Transaction, TransactionResults, TransactionState,
    Transactionize,
};
use crate::codes;
use crate::span::{Span, Spanned};

/// The operators this file parses, as spelled after a pipe.
pub(crate) const STATE_OPERATORS: [&str; 8] = [
    "transaction",
    "transactionize",
    "merge",
    "sessionize",
    "trace",
    "withtime",
    "predict",
    "filter",
];

/// Parses the rest of a state operator stage, after its name (`lower`, in lower case).
pub(crate) fn state_stage<'a>(lower: &str, input: Input<'a>) -> PResult<'a, Stage> {
    let (rest, stage) = match lower {
        "transaction" => transaction(input)?,
        "transactionize" => transactionize(input)?,
        "merge" => merge(input)?,
        "sessionize" => sessionize(input)?,
        "trace" => trace(input)?,
        "predict" => predict(input)?,
        "filter" => filter(input)?,
        _ => {
            let (rest, field) = expected("the field to stamp with its time", field_name)(input)?;
            (rest, StateStage::Withtime(field))
        }
    };
    Ok((rest, Stage::State(stage)))
}

/// A double-quoted string with its span.
fn quoted<'a>(input: Input<'a>, what: &'static str) -> PResult<'a, Spanned<String>> {
    let (input, ()) = ws(input)?;
    expected(what, spanned(string_literal))(input)
}

/// `transaction on f[, g] [fringe=D] with ITEM[, with ITEM…] [results by transactions|flow]`.
fn transaction(input: Input<'_>) -> PResult<'_, StateStage> {
    let (rest, _) = expected("`on` and the transaction's ID fields", keyword("on"))(input)?;
    let (mut rest, on) = name_list(rest, "a field that identifies a transaction")?;
    let mut fringe = None;
    if let Some((after, name)) = option_name(rest) {
        if name.node != "fringe" {
            return unknown_option(&name, "transaction", "`fringe=DURATION`");
        }
        let (after, (window, _)) = duration(after, "the fringe")?;
        fringe = Some(window);
        rest = after;
    }
    let (mut rest, _) = expected("`with` and the states", keyword("with"))(rest)?;
    let mut states = Vec::new();
    loop {
        let after = state_item(rest, &mut states)?;
        match symbol(",")(after) {
            Ok((after_comma, _)) => {
                let (after_with, _) =
                    expected("`with` and the next state", keyword("with"))(after_comma)?;
                rest = after_with;
            }
            Err(_) => {
                rest = after;
                break;
            }
        }
    }
    let (rest, results) = results(rest)?;
    Ok((
        rest,
        StateStage::Transaction(Transaction {
            on,
            fringe,
            states,
            results,
        }),
    ))
}

/// One item after `with`: `"pattern" [in f] as name`, or `states a [as x], b … [in f]`.
fn state_item<'a>(
    input: Input<'a>,
    states: &mut Vec<TransactionState>,
) -> Result<Input<'a>, nom::Err<super::SyntaxError>> {
    if let Ok((rest, _)) = keyword("states")(input) {
        let mut listed: Vec<(Name, Option<Name>)> = Vec::new();
        let mut rest = rest;
        loop {
            let (after, value) = expected("a state's value", field_name)(rest)?;
            let (after, alias) = match keyword("as")(after) {
                Ok((after_as, _)) => {
                    let (after, alias) = expected("the state's name", field_name)(after_as)?;
                    (after, Some(alias))
                }
                Err(_) => (after, None),
            };
            listed.push((value, alias));
            match symbol(",")(after) {
                Ok((after_comma, _)) if !peek_keyword(after_comma, "with") => rest = after_comma,
                _ => {
                    rest = after;
                    break;
                }
            }
        }
        let (rest, _) = expected("`in` and the field holding the state", keyword("in"))(rest)?;
        let (rest, field) = expected("the field holding the state", field_name)(rest)?;
        for (value, alias) in listed {
            states.push(TransactionState {
                name: alias.unwrap_or_else(|| value.clone()),
                test: StateTest::Value {
                    value: value.node,
                    field: field.clone(),
                },
            });
        }
        return Ok(rest);
    }
    let (rest, pattern) = quoted(input, "a match string such as `\"*login*\"`, or `states`")?;
    let (rest, field) = match keyword("in")(rest) {
        Ok((after_in, _)) => {
            let (after, field) = expected("the field to match", field_name)(after_in)?;
            (after, Some(field))
        }
        Err(_) => (rest, None),
    };
    let (rest, _) = expected("`as` and the state's name", keyword("as"))(rest)?;
    let (rest, name) = expected("the state's name", field_name)(rest)?;
    states.push(TransactionState {
        name,
        test: StateTest::Pattern { pattern, field },
    });
    Ok(rest)
}

/// `results by transactions|flow`, transactions when absent.
fn results(input: Input<'_>) -> PResult<'_, TransactionResults> {
    let Ok((rest, _)) = keyword("results")(input) else {
        return Ok((input, TransactionResults::Transactions));
    };
    let (rest, _) = expected("`by` after `results`", keyword("by"))(rest)?;
    let (rest, ()) = ws(rest)?;
    if let Ok((after, _)) = keyword("transactions")(rest) {
        if keyword("showing")(after).is_ok() {
            let (at, ()) = ws(after)?;
            return fail(
                &at,
                codes::UNSUPPORTED_OPERATOR,
                "`showing` is not supported yet: aggregate the rows after `transaction` instead",
            );
        }
        return Ok((after, TransactionResults::Transactions));
    }
    if let Ok((after, _)) = keyword("flow")(rest) {
        return Ok((after, TransactionResults::Flow));
    }
    if keyword("states")(rest).is_ok() {
        return fail(
            &rest,
            codes::UNSUPPORTED_OPERATOR,
            "`results by states` is not supported: its rows are not documented; use `results by transactions` or `results by flow`",
        );
    }
    fail(
        &rest,
        codes::SYNTAX,
        "expected `transactions` or `flow` after `results by`",
    )
}

/// `transactionize f[, g] [as name] [option=value…] [(stages)]`.
fn transactionize(input: Input<'_>) -> PResult<'_, StateStage> {
    let (rest, fields) = name_list(input, "a field that links records")?;
    let (mut rest, alias) = match keyword("as")(rest) {
        Ok((after_as, _)) => {
            let (after, alias) = expected("the prefix of the group fields", field_name)(after_as)?;
            (after, Some(alias))
        }
        Err(_) => (rest, None),
    };
    let mut stage = Transactionize {
        fields,
        alias,
        max_span: None,
        max_pause: None,
        max_logs: None,
        starts_with: None,
        ends_with: None,
        keep_orphans: true,
        stages: Vec::new(),
    };
    while let Some((after, name)) = option_name(rest) {
        rest =
            match name.node.as_str() {
                "maxspan" => {
                    let (after, (span, _)) = duration(after, "the longest a group lasts")?;
                    stage.max_span = Some(span);
                    after
                }
                "maxpause" => {
                    let (after, (pause, _)) = duration(after, "the longest pause in a group")?;
                    stage.max_pause = Some(pause);
                    after
                }
                "maxlogs" => {
                    let (after, logs) = whole_number(after, "the most records in a group", 1)?;
                    stage.max_logs = Some(logs);
                    after
                }
                "startswith" => {
                    let (after, boundary) = boundary(after)?;
                    stage.starts_with = Some(boundary);
                    after
                }
                "endswith" => {
                    let (after, boundary) = boundary(after)?;
                    stage.ends_with = Some(boundary);
                    after
                }
                "keeporphans" => {
                    let (after, ()) = ws(after)?;
                    if let Ok((after, _)) = keyword("true")(after) {
                        stage.keep_orphans = true;
                        after
                    } else if let Ok((after, _)) = keyword("false")(after) {
                        stage.keep_orphans = false;
                        after
                    } else {
                        return fail(&after, codes::SYNTAX, "expected `true` or `false`");
                    }
                }
                _ => return unknown_option(
                    &name,
                    "transactionize",
                    "`maxSpan`, `maxPause`, `maxLogs`, `startsWith`, `endsWith` and `keepOrphans`",
                ),
            };
    }
    let (rest, ()) = ws(rest)?;
    let rest = if rest.fragment().starts_with('(') {
        let (after, inner) = enclosed(rest, '(')?;
        if inner.fragment().trim().is_empty() {
            return fail(
                &inner,
                codes::EMPTY_STAGE,
                "the stages run on each group need at least one stage",
            );
        }
        stage.stages = nested_stages(inner)?;
        after
    } else {
        rest
    };
    Ok((rest, StateStage::Transactionize(stage)))
}

/// `"text"[;strict]` after `startsWith=` or `endsWith=`.
fn boundary(input: Input<'_>) -> PResult<'_, Boundary> {
    let (rest, pattern) = quoted(input, "the text that starts or ends a group, in quotes")?;
    match symbol(";")(rest) {
        Ok((after, _)) => {
            let (after, _) = expected("`strict` after `;`", keyword("strict"))(after)?;
            Ok((
                after,
                Boundary {
                    pattern,
                    strict: true,
                },
            ))
        }
        Err(_) => Ok((
            rest,
            Boundary {
                pattern,
                strict: false,
            },
        )),
    }
}

/// `merge [f [strategy] [as g][, …]]`.
fn merge(input: Input<'_>) -> PResult<'_, StateStage> {
    let (input, ()) = ws(input)?;
    if input.fragment().is_empty() {
        return Ok((input, StateStage::Merge(Vec::new())));
    }
    let mut fields = Vec::new();
    let mut rest = input;
    loop {
        let (after, field) = expected("a field to merge", field_name)(rest)?;
        let (after, strategy) = merge_strategy(after)?;
        let (after, alias) = match keyword("as")(after) {
            Ok((after_as, _)) => {
                let (after, alias) = expected("the merged field's name", field_name)(after_as)?;
                (after, Some(alias))
            }
            Err(_) => (after, None),
        };
        fields.push(MergeField {
            field,
            strategy,
            alias,
        });
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, StateStage::Merge(fields))),
        }
    }
}

/// `takeFirst`, `takeLast`, `takeDistinct` or `join [with "sep"]`; a join with new lines when
/// absent.
fn merge_strategy(input: Input<'_>) -> PResult<'_, MergeStrategy> {
    let newline = || MergeStrategy::Join("\n".to_string());
    for (word, strategy) in [
        ("takefirst", MergeStrategy::TakeFirst),
        ("takelast", MergeStrategy::TakeLast),
        ("takedistinct", MergeStrategy::TakeDistinct),
    ] {
        if let Ok((rest, _)) = keyword(word)(input) {
            return Ok((rest, strategy));
        }
    }
    let Ok((rest, _)) = keyword("join")(input) else {
        return Ok((input, newline()));
    };
    match keyword("with")(rest) {
        Ok((after, _)) => {
            let (after, separator) = quoted(after, "the separator, in quotes")?;
            Ok((after, MergeStrategy::Join(separator.node)))
        }
        Err(_) => Ok((rest, newline())),
    }
}

/// `sessionize "pattern" as (a, b)[, "pattern" as (c)…]`.
fn sessionize(input: Input<'_>) -> PResult<'_, StateStage> {
    let mut patterns = Vec::new();
    let mut rest = input;
    loop {
        let (after, pattern) = quoted(rest, "an anchor pattern in quotes")?;
        let (after, _) = expected("`as` and the fields in parentheses", keyword("as"))(after)?;
        let (after, _) = expected("`(` and the fields", symbol("("))(after)?;
        // `as ()`: a pattern of `$field`s alone captures nothing new.
        let (after, fields) = match symbol(")")(after) {
            Ok((after, _)) => (after, Vec::new()),
            Err(_) => {
                let (after, fields) = name_list(after, "a field the pattern captures")?;
                let (after, _) = expected("`)`", symbol(")"))(after)?;
                (after, fields)
            }
        };
        patterns.push(SessionPattern { pattern, fields });
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => {
                if patterns.len() < 2 {
                    let (at, ()) = ws(after)?;
                    return fail(
                        &at,
                        codes::INVALID_STAGE,
                        "`sessionize` needs two or more patterns: `\"…\" as (a), \"…$a…\" as (b)`",
                    );
                }
                return Ok((after, StateStage::Sessionize(patterns)));
            }
        }
    }
}

/// `trace [+|-] "regex" "start"`.
fn trace(input: Input<'_>) -> PResult<'_, StateStage> {
    let (input, ()) = ws(input)?;
    let (rest, backward) = if let Ok((after, _)) = symbol("-")(input) {
        (after, true)
    } else if let Ok((after, _)) = symbol("+")(input) {
        (after, false)
    } else {
        (input, false)
    };
    let (rest, regex) = quoted(rest, "the regular expression that finds IDs, in quotes")?;
    let (rest, start) = quoted(rest, "the ID to start from, in quotes")?;
    Ok((
        rest,
        StateStage::Trace(Trace {
            backward,
            regex,
            start,
        }),
    ))
}

/// `predict FIELD by WIDTH [forecast=N|D]`; `model=ar` and `ar.window=` are refused by name.
fn predict(input: Input<'_>) -> PResult<'_, StateStage> {
    let (rest, field) = expected("the numeric field to predict", field_name)(input)?;
    let (rest, _) = expected("`by` and the width of a time slice", keyword("by"))(rest)?;
    let (mut rest, (width, _)) = duration(rest, "the width of a time slice")?;
    let mut forecast = None;
    while let Some((after, name)) = option_name(rest) {
        rest = match name.node.as_str() {
            "forecast" => {
                let (after, ()) = ws(after)?;
                let start = offset(&after);
                let text = after.fragment();
                let digits = text
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(text.len());
                let (after, how) = if text[digits..].starts_with(|c: char| c.is_ascii_alphabetic())
                {
                    let (after, (span, _)) = duration(after, "how far to forecast")?;
                    (after, Forecast::Span(span.node))
                } else {
                    let (after, points) =
                        whole_number(after, "how many slices to forecast, at least 1", 1)?;
                    (after, Forecast::Points(points.node))
                };
                forecast = Some(Spanned::new(how, Span::new(start, offset(&after))));
                after
            }
            "model" | "ar.window" => {
                return Err(nom::Err::Failure(
                    super::SyntaxError::new(
                        codes::UNSUPPORTED_OPERATOR,
                        "the auto-regressive model of `predict` (`model=ar`, `ar.window=`) is not supported: Sumo does not document its algorithm, so sumoql could not give Sumo's answers",
                        name.span,
                    )
                    .with_note("help: leave out `model=` for the linear model: `predict _count by 1m`"),
                ));
            }
            _ => return unknown_option(&name, "predict", "`forecast=N` or `forecast=DURATION`"),
        };
    }
    Ok((
        rest,
        StateStage::Predict(Predict {
            field,
            width,
            forecast,
        }),
    ))
}

/// `filter f[, g] in (stages)`.
fn filter(input: Input<'_>) -> PResult<'_, StateStage> {
    let (rest, fields) = name_list(input, "a field to match")?;
    let (rest, _) = expected("`in` and the child query in parentheses", keyword("in"))(rest)?;
    let (rest, inner) = enclosed(rest, '(')?;
    let stages = nested_stages(inner)?;
    Ok((rest, StateStage::Filter(FilterIn { fields, stages })))
}
