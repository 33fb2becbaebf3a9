//! `sumoql sigma`: converts a Sigma rule into a rule file of this dialect, on stdout.

use std::path::{Path, PathBuf};

use sumoql::{sigma_to_rule, Engine, Rule, SigmaMapping};

use crate::{print_diagnostics, usage_error, Exit};

/// Converts `file` (with the field and log-source names of `mappings`, the first to name a
/// thing winning) and prints the rule; warnings go to stderr. The result is read back as a
/// rule and compiled before it is printed: exit 2 when the Sigma rule cannot be converted or
/// converts to a rule that does not load or compile.
pub fn sigma_command(file: &Path, mappings: &[PathBuf]) -> Result<(), Exit> {
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .map_err(|e| usage_error(format!("cannot read {}: {e}", path.display())))
    };
    let mut mapping = SigmaMapping::default();
    for path in mappings {
        let one = SigmaMapping::parse(&read(path)?)
            .map_err(|e| usage_error(format!("{}: {e}", path.display())))?;
        mapping.extend(one);
    }
    let origin = file.display().to_string();
    let converted =
        sigma_to_rule(&read(file)?, &mapping).map_err(|e| usage_error(format!("{origin}: {e}")))?;
    for warning in &converted.warnings {
        eprintln!("warning: {origin}: {warning}");
    }
    if mappings.is_empty() {
        eprintln!(
            "warning: {origin}: no --mapping: Sigma's field names are kept as they are \
             (mappings for the shipped logs: queries/sigma/sources.yml, queries/sigma/sysmon.yml)"
        );
    }
    let rule = converted.rule;
    if let Err(error) = Rule::parse(&rule) {
        return Err(usage_error(format!("{origin} (converted): {error}")));
    }
    if let Err(diagnostics) = Engine::new().compile(&rule) {
        print_diagnostics(&diagnostics, &rule, &format!("{origin} (converted)"));
        return Err(Exit(2));
    }
    print!("{rule}");
    Ok(())
}
