//! The states of one aggregate for every group of an aggregation, held side by side in one
//! vector instead of one allocation per group.

use std::any::Any;

use sumoql_value::Value;

use crate::{Accumulator, CallContext, MismatchedAccumulator};

/// The states of one aggregate for all the groups of an aggregation, numbered from 0 in the
/// order they were added. An aggregation with many small groups keeps them this way rather
/// than as one boxed [`Accumulator`] each (see [`crate::AggregateFunction::group_states`]).
pub trait GroupStates: Send {
    /// Adds the state of a new group, numbered next.
    fn add_group(&mut self);
    /// Makes room for `groups` more groups.
    fn reserve(&mut self, groups: usize);
    /// Adds one record's argument values to `group`'s state.
    fn update(&mut self, group: usize, args: &[Value], ctx: &mut CallContext);
    /// Adds the states of `other`, of the same function, over a later share of the input
    /// (which `first` and `last` rely on): its group `g` is group `targets[g]` here, a group
    /// that `other` brings in when it is `first_new` or above. The groups `other` brings in
    /// are numbered in the order of its own.
    fn merge(
        &mut self,
        other: Box<dyn GroupStates>,
        targets: &[usize],
        first_new: usize,
    ) -> Result<(), MismatchedAccumulator>;
    /// The result for `group`.
    fn finish(&self, group: usize, ctx: &mut CallContext) -> Value;
    /// Counts the warnings [`GroupStates::finish`] would count for `group`, without making
    /// its result.
    fn finish_warnings(&self, group: usize, ctx: &mut CallContext);
    /// The states as [`Any`], so [`GroupStates::merge`] can take its argument's vector.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

/// The states of an aggregate whose accumulator is of type `A`, one `A` per group, in place.
pub struct StatesOf<A> {
    states: Vec<A>,
    fresh: fn() -> A,
}

impl<A> StatesOf<A> {
    /// No groups yet; each new group's state is `fresh()`.
    pub fn new(fresh: fn() -> A) -> StatesOf<A> {
        StatesOf {
            states: Vec::new(),
            fresh,
        }
    }
}

impl<A: Accumulator + 'static> GroupStates for StatesOf<A> {
    fn add_group(&mut self) {
        self.states.push((self.fresh)());
    }

    fn reserve(&mut self, groups: usize) {
        self.states.reserve_exact(groups);
    }

    fn update(&mut self, group: usize, args: &[Value], ctx: &mut CallContext) {
        if let Some(state) = self.states.get_mut(group) {
            state.update(args, ctx);
        }
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupStates>,
        targets: &[usize],
        first_new: usize,
    ) -> Result<(), MismatchedAccumulator> {
        let other = other
            .into_any()
            .downcast::<StatesOf<A>>()
            .map_err(|_| MismatchedAccumulator)?;
        for (&target, theirs) in targets.iter().zip(other.states) {
            match self.states.get_mut(target) {
                Some(mine) if target < first_new => mine.merge(&theirs)?,
                _ => self.states.push(theirs),
            }
        }
        Ok(())
    }

    fn finish(&self, group: usize, ctx: &mut CallContext) -> Value {
        self.states
            .get(group)
            .map_or(Value::Null, |state| state.finish(ctx))
    }

    fn finish_warnings(&self, group: usize, ctx: &mut CallContext) {
        if let Some(state) = self.states.get(group) {
            state.finish_warnings(ctx);
        }
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::{First, Sum};
    use crate::AggregateFunction;

    fn states(function: &dyn AggregateFunction) -> Box<dyn GroupStates> {
        function.group_states().expect("held in place")
    }

    #[test]
    fn merging_adds_to_shared_groups_and_appends_new_ones() {
        let mut ctx = CallContext::default();
        let (mut mine, mut theirs) = (states(&Sum), states(&Sum));
        for (states, values) in [(&mut mine, [1, 2]), (&mut theirs, [10, 20])] {
            for (group, value) in values.into_iter().enumerate() {
                states.add_group();
                states.update(group, &[Value::Int(value)], &mut ctx);
            }
        }
        // Their group 0 is a new group here; their group 1 is our group 0.
        mine.merge(theirs, &[2, 0], 2).expect("same function");
        let results: Vec<Value> = (0..3).map(|group| mine.finish(group, &mut ctx)).collect();
        assert_eq!(results, [Value::Int(21), Value::Int(2), Value::Int(10)]);
    }

    #[test]
    fn merging_another_function_is_refused() {
        let (mut sums, firsts) = (states(&Sum), states(&First));
        assert_eq!(sums.merge(firsts, &[], 0), Err(MismatchedAccumulator));
    }
}
