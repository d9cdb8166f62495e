//! The name an inline schema takes if it needs a type of its own, made only when it does.
//!
//! Every schema is lowered with such a hint (a property's is its owner's name followed by the
//! property's, `Pet` and `tag_list` make `PetTagList`), and most never use it: they are
//! strings, numbers or `$ref`s. Making each hint up front made a name for every property of
//! a spec; a hint now holds its parts and is spelled out where a type is declared.

use crate::naming::pascal;

/// A hint: the hint it continues, and what it adds.
#[derive(Clone, Copy)]
pub struct Hint<'h> {
    before: Option<&'h Hint<'h>>,
    part: Part<'h>,
}

#[derive(Clone, Copy)]
enum Part<'h> {
    /// Added as it is (`Item`, `Value`, a whole name).
    Text(&'h str),
    /// A name from the spec, added in `PascalCase`.
    Name(&'h str),
}

impl<'h> Hint<'h> {
    /// A hint that is `text`.
    pub fn text(text: &'h str) -> Self {
        Hint { before: None, part: Part::Text(text) }
    }

    /// This hint followed by `text` (`{hint}Item`).
    pub fn then(&'h self, text: &'h str) -> Self {
        Hint { before: Some(self), part: Part::Text(text) }
    }

    /// This hint followed by the spec's `name` in `PascalCase` (`{hint}{pascal(name)}`).
    pub fn member(&'h self, name: &'h str) -> Self {
        Hint { before: Some(self), part: Part::Name(name) }
    }

    /// The hint spelled out.
    pub fn spelled(&self) -> String {
        let mut spelled = self.before.map(Hint::spelled).unwrap_or_default();
        match self.part {
            Part::Text(text) => spelled.push_str(text),
            Part::Name(name) => spelled.push_str(&pascal(name)),
        }
        spelled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_spells_its_parts_in_order() {
        let owner = Hint::text("Pet");
        let member = owner.member("tag_list");
        let item = member.then("Item");
        assert_eq!(owner.spelled(), "Pet");
        assert_eq!(member.spelled(), "PetTagList");
        assert_eq!(item.spelled(), "PetTagListItem");
        assert_eq!(
            item.member("x-y").then("Value").spelled(),
            format!("PetTagListItem{}Value", pascal("x-y"))
        );
    }
}
