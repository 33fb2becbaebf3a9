//! The local table folder: where `save path://"..."` writes a table and `lookup ... from
//! path://"..."` reads it, so that state (allow-lists, watch-lists) lasts between runs, as
//! Sumo's hosted lookup tables do.
//!
//! A table named `/Library/Users/me/Suspicious Users` is the CSV file
//! `ROOT/Library/Users/me/Suspicious Users.csv`: a header row naming the columns, then one row
//! per record. The root is `--tables DIR`, else `$SUMOQL_TABLES`, else
//! `$XDG_DATA_HOME/sumoql/tables` (`~/.local/share/sumoql/tables`).

use std::path::{Component, Path, PathBuf};

/// The environment variable naming the table folder.
pub const TABLES_VARIABLE: &str = "SUMOQL_TABLES";

/// A folder of saved tables, resolving table names to files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tables {
    root: PathBuf,
}

impl Default for Tables {
    /// The folder of `$SUMOQL_TABLES`, else the user's data folder's `sumoql/tables`.
    fn default() -> Tables {
        Tables::new(default_root())
    }
}

impl Tables {
    /// The tables under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Tables {
        Tables { root: root.into() }
    }

    /// The folder holding the tables.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of the table `name` (as written after `path://`): its path under the root with
    /// `.csv` added. A name that is empty or climbs out of the folder (`..`) is an error.
    ///
    /// ```
    /// use sumoql_plan::Tables;
    /// let tables = Tables::new("/srv/tables");
    /// let file = tables.resolve("/Library/Users/me/Suspicious Users").unwrap();
    /// assert_eq!(file, std::path::Path::new("/srv/tables/Library/Users/me/Suspicious Users.csv"));
    /// assert!(tables.resolve("/a/../../etc/passwd").is_err());
    /// assert!(tables.resolve("/").is_err());
    /// ```
    pub fn resolve(&self, name: &str) -> Result<PathBuf, String> {
        let relative = Path::new(name.trim_start_matches('/'));
        let mut file = self.root.clone();
        let mut parts = 0;
        for component in relative.components() {
            match component {
                Component::Normal(part) => {
                    file.push(part);
                    parts += 1;
                }
                Component::CurDir => {}
                _ => {
                    return Err(format!(
                        "the table name `{name}` leaves the table folder: `..` is not allowed"
                    ))
                }
            }
        }
        if parts == 0 {
            return Err("the table name is empty".to_string());
        }
        let mut with_extension = file.into_os_string();
        with_extension.push(".csv");
        Ok(PathBuf::from(with_extension))
    }
}

/// `$SUMOQL_TABLES`, else `$XDG_DATA_HOME/sumoql/tables`, else `~/.local/share/sumoql/tables`
/// (the working folder's `sumoql-tables` when there is no home).
fn default_root() -> PathBuf {
    if let Some(root) = std::env::var_os(TABLES_VARIABLE).filter(|v| !v.is_empty()) {
        return PathBuf::from(root);
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/share")));
    match data {
        Some(data) => data.join("sumoql").join("tables"),
        None => PathBuf::from("sumoql-tables"),
    }
}
