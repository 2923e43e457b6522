//! The band's explanation: steps whose texts ([`Note`]s) are written only when read.
//!
//! A repricer sets many prices and reads few explanations, so a step keeps its values
//! (amounts, the offer it is about, the ending rule) and a fixed template. The trace costs no
//! allocation per step and no decimal formatting on the hot path.

pub use crate::text::Note;

/// One step of the explanation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct TraceStep<'r> {
    /// The step: `band`, `exclude`, `normalise`, `reference`, `target`, `cool_down`,
    /// `step_limit`, `ending` or `profit`.
    pub step: &'static str,
    /// Its input.
    pub input: Note<'r>,
    /// Its output.
    pub output: Note<'r>,
    /// The rule applied.
    pub rule: Note<'r>,
    /// A reason code.
    pub reason: &'static str,
}

/// The steps, in order.
#[derive(Debug)]
pub(crate) struct Trace<'r>(pub(crate) Vec<TraceStep<'r>>);

impl<'r> Trace<'r> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    pub(crate) fn push(
        &mut self,
        step: &'static str,
        input: Note<'r>,
        output: Note<'r>,
        rule: Note<'r>,
        reason: &'static str,
    ) {
        self.0.push(TraceStep {
            step,
            input,
            output,
            rule,
            reason,
        });
    }
}
