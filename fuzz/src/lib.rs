//! What the fuzz targets share.

use std::sync::OnceLock;

use sumoql::Engine;

/// One engine for every input of a target: building its registry is costlier than most runs.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::new)
}
