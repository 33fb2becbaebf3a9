//! The fields of whole records for `sumoql sql`: a query whose result is every field of each
//! record needs its columns named when the SQL is written, so without `--columns` they are the
//! keys of the JSON objects at the start of `--source`, read as `sumoql run` reads its inputs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use sumoql::{expand_paths, is_raw_line, json_members, text_of_line, InputSource};

use crate::{usage_error, Exit};

/// The record fields found in the first lines of an input.
pub struct SampledFields {
    /// The top-level keys of the JSON objects read, in the order first seen.
    pub fields: Vec<String>,
    /// How many lines (blank ones aside) were read.
    pub lines: usize,
    /// Whether the input goes on past the lines read.
    pub cut: bool,
    /// How many of the lines read are text lines (not JSON objects), whose fields are the
    /// ones their extraction rule gives rather than keys.
    pub text_lines: usize,
}

impl SampledFields {
    /// What the reader of the SQL should know about the fields found in `source`: the
    /// fields, and warnings when the sample stops before the end of the input or holds text
    /// lines.
    pub fn messages(&self, source: &str) -> (String, Vec<String>) {
        let note = format!(
            "whole records: the columns are the {} field(s) of the JSON objects in the first \
             {} line(s) of --source `{source}`: {}",
            self.fields.len(),
            self.lines,
            self.fields.join(", ")
        );
        let mut warnings = Vec::new();
        if self.cut {
            warnings.push(format!(
                "--source `{source}` goes on past the {} line(s) read for the fields of whole \
                 records: a field first seen later is not a column (raise --sample-lines, or \
                 name the fields with --columns)",
                self.lines
            ));
        }
        if self.text_lines > 0 {
            warnings.push(format!(
                "{} of the line(s) read for the fields of whole records are text lines, not \
                 JSON objects: the fields their extraction rules give are not columns unless \
                 --columns names them",
                self.text_lines
            ));
        }
        (note, warnings)
    }
}

/// The record fields of `source` (a file or folder, as `sumoql run` lists it): the top-level
/// keys of the JSON objects among its first `sample_lines` lines, blank lines aside.
pub fn sample_record_fields(source: &str, sample_lines: usize) -> Result<SampledFields, Exit> {
    if !Path::new(source).exists() {
        return Err(usage_error(format!(
            "--source `{source}` is not a file or folder here, so the fields of the whole \
             records the query outputs cannot be read from it; name them with --columns"
        )));
    }
    let files = expand_paths(&[PathBuf::from(source)]).map_err(|e| usage_error(e.to_string()))?;
    let mut sample = SampledFields {
        fields: Vec::new(),
        lines: 0,
        cut: false,
        text_lines: 0,
    };
    for file in &files {
        sample_file(file, sample_lines, &mut sample)?;
        if sample.cut {
            break;
        }
    }
    Ok(sample)
}

/// Reads lines of `file` into `sample` until it holds `sample_lines` of them; marks the
/// sample cut when a line is left (in this file, or the first line of a later one).
fn sample_file(
    file: &InputSource,
    sample_lines: usize,
    sample: &mut SampledFields,
) -> Result<(), Exit> {
    let reader = file.open_bytes().map_err(|e| usage_error(e.to_string()))?;
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| usage_error(format!("cannot read {}: {e}", file.name())))?;
        if read == 0 {
            return Ok(());
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if sample.lines == sample_lines {
            sample.cut = true;
            return Ok(());
        }
        sample.lines += 1;
        if is_raw_line(&line) {
            sample.text_lines += 1;
            continue;
        }
        // A line that starts a JSON object and is not one is malformed, and left out.
        let members = text_of_line(line.trim_ascii_end())
            .ok()
            .and_then(json_members);
        for (key, _) in members.into_iter().flatten() {
            if !sample.fields.contains(&key) {
                sample.fields.push(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_the_json_keys_of_the_first_lines_in_the_order_first_seen() {
        let folder = tempfile::tempdir().unwrap();
        let first = folder.path().join("a.log");
        std::fs::write(
            &first,
            "{\"b\":1,\"a\":2}\n\nsyslog text\n{\"a\":3,\"c\":{\"d\":4}}\n",
        )
        .unwrap();
        std::fs::write(folder.path().join("b.log"), "{\"late\":1}\n").unwrap();
        let source = folder.path().to_str().unwrap();
        let Ok(whole) = sample_record_fields(source, 10) else {
            panic!("the folder is read")
        };
        assert_eq!(whole.fields, ["b", "a", "c", "late"]);
        assert_eq!((whole.lines, whole.cut, whole.text_lines), (4, false, 1));
        let Ok(cut) = sample_record_fields(source, 2) else {
            panic!("the folder is read")
        };
        assert_eq!(cut.fields, ["b", "a"]);
        assert!(cut.cut);
        let (note, warnings) = cut.messages(source);
        assert!(note.ends_with(": b, a"), "{note}");
        assert_eq!(warnings.len(), 2);
    }
}
