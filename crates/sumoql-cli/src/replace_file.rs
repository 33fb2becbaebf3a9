//! Rewriting a file so that it is never left half written: the new contents go to a temporary
//! file in the same folder, which then takes the file's name in one rename. A full disk or a
//! crash leaves the old file whole (and at worst a stray temporary file).

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Makes `contents` the contents of `path`, whether or not it exists, keeping the permissions
/// of the file it replaces.
pub(crate) fn replace_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace_file_with(path, |mut file| file.write_all(contents))
}

/// [`replace_file`] with the contents that `write` writes to the file it is given.
pub(crate) fn replace_file_with(
    path: &Path,
    write: impl FnOnce(File) -> io::Result<()>,
) -> io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temporary = tempfile::Builder::new()
        .prefix(".sumoql-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    write(temporary.as_file().try_clone()?)?;
    temporary.as_file().sync_all()?;
    if let Ok(existing) = std::fs::metadata(path) {
        temporary
            .as_file()
            .set_permissions(existing.permissions())?;
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_with_its_permissions_and_no_leftovers() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("q.sumo");
        replace_file(&path, b"first").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&path, permissions.clone()).unwrap();
        replace_file(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
        let names: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "a temporary file was left behind");
    }

    #[test]
    fn a_folder_that_cannot_be_written_leaves_the_file_alone() {
        let missing = Path::new("no-such-folder-for-sumoql/q.sumo");
        assert!(replace_file(missing, b"x").is_err());
    }
}
