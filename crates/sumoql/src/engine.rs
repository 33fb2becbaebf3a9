//! The engine: a registry of functions, and compiling text to a plan.

use std::collections::BTreeSet;
use sumoql_functions::Registry;

use sumoql_plan::{lint_query, plan_query_with, Plan, PlanContext};
use sumoql_syntax::{parse_query, Diagnostic};

/// Compiles queries against a registry of functions.
#[derive(Clone)]
pub struct Engine {
    registry: Registry,
    /// What planning knows of the run (its time range and zone).
    context: PlanContext,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

/// A compiled query: its text and its plan.
#[derive(Clone)]
pub struct Query {
    /// The query text as given.
    pub text: String,
    /// The plan.
    pub plan: Plan,
}

impl Engine {
    /// An engine with every standard function.
    pub fn new() -> Engine {
        Engine {
            registry: Registry::standard(),
            context: PlanContext::default(),
        }
    }

    /// The engine planning for a run described by `context`: `timeslice N buckets` and
    /// `fillmissing timeslice(...)` take the run's time range from it.
    pub fn with_context(mut self, context: PlanContext) -> Engine {
        self.context = context;
        self
    }

    /// The functions this engine knows.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Parses and plans `text`. On failure, returns every diagnostic found.
    pub fn compile(&self, text: &str) -> Result<Query, Vec<Diagnostic>> {
        let ast = parse_query(text)?;
        let plan = plan_query_with(&ast, &self.registry, &self.context)?;
        Ok(Query {
            text: text.to_string(),
            plan,
        })
    }

    /// Parses, plans and lints `text`: the lint warnings (see `sumoql check`), or every error
    /// found. `input_fields` are the fields the inputs are known to have, if known.
    pub fn lint(
        &self,
        text: &str,
        input_fields: Option<&BTreeSet<String>>,
    ) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let ast = parse_query(text)?;
        let plan = plan_query_with(&ast, &self.registry, &self.context)?;
        Ok(lint_query(text, &ast, &plan, &self.registry, input_fields))
    }
}
