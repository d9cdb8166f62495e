//! Where the nodes of a rewritten document came from. Bundling moves nodes out of other
//! files and converting Swagger 2.0 moves them within the document; each step records, for
//! the nodes it moved, where they were, so a diagnostic about the result names the file and
//! pointer a user can open.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Pointer;

/// Where one moved node was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file it was in; `None` for the same document.
    pub file: Option<PathBuf>,
    pub pointer: Pointer,
}

/// The moves of one rewriting step: a node whose pointer (or an ancestor's) is recorded came
/// from that ancestor's origin, extended by the rest of its path.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    moved: BTreeMap<Pointer, Origin>,
}

impl Origins {
    pub fn record(&mut self, now: Pointer, origin: Origin) {
        if origin.file.is_none() && origin.pointer == now {
            return;
        }
        self.moved.insert(now, origin);
    }

    /// Where the node now at `at` came from, if this step moved it or an ancestor of it.
    pub fn trace(&self, at: &Pointer) -> Option<Origin> {
        if self.moved.is_empty() {
            return None;
        }
        let tokens: Vec<String> = at.tokens().collect();
        let mut ancestor = at.clone();
        for depth in (0..=tokens.len()).rev() {
            if let Some(origin) = self.moved.get(&ancestor) {
                let pointer = tokens[depth..].iter().fold(origin.pointer.clone(), |p, t| p.join(t));
                return Some(Origin { file: origin.file.clone(), pointer });
            }
            ancestor = ancestor.parent();
        }
        None
    }

    pub fn is_empty(&self) -> bool {
        self.moved.is_empty()
    }
}

/// Traces a pointer back through rewriting steps, the last step first.
pub fn trace_all(steps: &[Origins], at: &Pointer) -> Origin {
    let mut origin = Origin { file: None, pointer: at.clone() };
    for step in steps.iter().rev() {
        if let Some(found) = step.trace(&origin.pointer) {
            origin.pointer = found.pointer;
            if found.file.is_some() {
                origin.file = found.file;
                break;
            }
        }
    }
    origin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointer(text: &str) -> Pointer {
        Pointer::from_ref(&format!("#{text}")).unwrap()
    }

    #[test]
    fn nodes_below_a_move_are_traced_through_every_step() {
        let mut bundle = Origins::default();
        bundle.record(
            pointer("/definitions/Pet"),
            Origin { file: Some("pet.yaml".into()), pointer: Pointer::root() },
        );
        let mut convert = Origins::default();
        convert
            .record(pointer("/components/schemas"), Origin { file: None, pointer: pointer("/definitions") });
        let found = trace_all(&[bundle.clone(), convert], &pointer("/components/schemas/Pet/properties/id"));
        assert_eq!(found.file.as_deref(), Some(std::path::Path::new("pet.yaml")));
        assert_eq!(found.pointer.to_string(), "#/properties/id");
        // A node that no step moved stays where it is; `/definitions/Petty` is not below `Pet`.
        let same = trace_all(&[bundle], &pointer("/definitions/Petty"));
        assert_eq!(same, Origin { file: None, pointer: pointer("/definitions/Petty") });
    }
}
