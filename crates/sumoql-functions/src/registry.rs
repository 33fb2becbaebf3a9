//! The registry: every function by name. It is a value, built once and handed to the planner.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::{aggregate, scalar, AggregateFunction, ScalarFunction};

/// The functions a query may call, looked up case-insensitively.
#[derive(Clone, Default)]
pub struct Registry {
    scalars: BTreeMap<String, Arc<dyn ScalarFunction>>,
    aggregates: BTreeMap<String, Arc<dyn AggregateFunction>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Every standard function of the dialect.
    pub fn standard() -> Registry {
        let mut registry = Registry::new();
        for function in scalar::all() {
            registry.add_scalar(function);
        }
        for function in aggregate::all() {
            registry.add_aggregate(function);
        }
        registry
    }

    /// Adds (or replaces) a scalar function.
    pub fn add_scalar(&mut self, function: Arc<dyn ScalarFunction>) {
        self.scalars
            .insert(function.name().to_ascii_lowercase(), function);
    }

    /// Adds (or replaces) an aggregate function.
    pub fn add_aggregate(&mut self, function: Arc<dyn AggregateFunction>) {
        self.aggregates
            .insert(function.name().to_ascii_lowercase(), function);
    }

    /// The scalar function called `name`, in any letter case.
    pub fn scalar(&self, name: &str) -> Option<Arc<dyn ScalarFunction>> {
        self.scalars.get(&name.to_ascii_lowercase()).cloned()
    }

    /// The aggregate function called `name`, in any letter case.
    pub fn aggregate(&self, name: &str) -> Option<Arc<dyn AggregateFunction>> {
        self.aggregates.get(&name.to_ascii_lowercase()).cloned()
    }

    /// Every scalar function, by name.
    pub fn scalars(&self) -> impl Iterator<Item = &Arc<dyn ScalarFunction>> {
        self.scalars.values()
    }

    /// Every aggregate function, by name.
    pub fn aggregates(&self) -> impl Iterator<Item = &Arc<dyn AggregateFunction>> {
        self.aggregates.values()
    }

    /// Every function name, canonical spelling, for suggestions and completion.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.scalars
            .values()
            .map(|f| f.name())
            .chain(self.aggregates.values().map(|f| f.name()))
    }
}
