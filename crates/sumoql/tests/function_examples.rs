//! Every documented example of every function, scalar and aggregate, runs through the real parser, planner
//! and executor; a failure names the example's file and line.

use sumoql::{run_lines, Engine, RunConfig, Value};

#[test]
fn every_function_example_holds() {
    let engine = Engine::new();
    let mut failures = Vec::new();
    let mut count = 0;
    for function in engine.registry().scalars() {
        assert!(!function.doc().is_empty(), "{} has no doc", function.name());
        assert!(
            !function.examples().is_empty(),
            "{} has no example",
            function.name()
        );
        for example in function.examples() {
            count += 1;
            let text = format!("| eval result = {} | fields result", example.expression);
            let outcome = engine
                .compile(&text)
                .map_err(|d| format!("does not compile: {}", d[0].message))
                .and_then(|query| {
                    run_lines(&query, &["{}"], &RunConfig::default()).map_err(|e| e.to_string())
                });
            let actual = match outcome {
                Err(error) => error,
                Ok(result) if result.rows.is_empty() => "drop".to_string(),
                Ok(result) => {
                    let mut json = String::new();
                    result.rows[0].1[0].write_json(&mut json);
                    json
                }
            };
            if actual != example.result {
                failures.push(format!(
                    "{}:{}: `{}` gave {actual}, documented {}",
                    example.file, example.line, example.expression, example.result
                ));
            }
        }
    }
    assert!(count > 20, "only {count} examples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The rows of a result as JSON objects, one a line.
fn rows_as_json(rows: &[sumoql::Row]) -> String {
    let lines: Vec<String> = rows
        .iter()
        .map(|(names, values)| {
            let mut json = String::from("{");
            for (index, (name, value)) in names.iter().zip(values).enumerate() {
                if index > 0 {
                    json.push(',');
                }
                Value::text(name.as_ref()).write_json(&mut json);
                json.push(':');
                value.write_json(&mut json);
            }
            json.push('}');
            json
        })
        .collect();
    lines.join("\n")
}

#[test]
fn every_aggregate_example_holds() {
    let engine = Engine::new();
    let mut failures = Vec::new();
    let mut count = 0;
    for function in engine.registry().aggregates() {
        assert!(!function.doc().is_empty(), "{} has no doc", function.name());
        assert!(
            !function.examples().is_empty(),
            "{} has no example",
            function.name()
        );
        for example in function.examples() {
            count += 1;
            let text = format!("| {}", example.stage);
            let outcome = engine
                .compile(&text)
                .map_err(|d| format!("does not compile: {}", d[0].message))
                .and_then(|query| {
                    run_lines(&query, example.input, &RunConfig::default())
                        .map_err(|e| e.to_string())
                });
            let actual = match outcome {
                Err(error) => error,
                Ok(result) => rows_as_json(&result.rows),
            };
            if actual != example.result {
                failures.push(format!(
                    "{}:{}: `{}` gave\n{actual}\ndocumented\n{}",
                    example.file, example.line, example.stage, example.result
                ));
            }
        }
    }
    assert!(count > 15, "only {count} examples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
