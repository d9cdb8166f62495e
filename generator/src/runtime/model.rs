//! How the models of the `types` module read and write their members.
//!
//! Each model struct has its own `Deserialize` and `Serialize` impls, written out in the
//! `types` module, that go through the few generic steps here. serde's derive would write
//! the same logic inline for every struct — tens of lines each, with an identifier type and a
//! visitor per struct, and every unknown member buffered before the map of extra members
//! reads it — and for an API with thousands of models that code is most of what the
//! compiler checks. What the derive guaranteed, these keep: a member given twice is refused,
//! a missing required member is refused by its wire name, `null` counts as a value (refused
//! by a type that is not optional), and errors name what was expected (`struct Name`).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess};
use serde::ser::SerializeMap;

/// A model that reads itself from a map of members, one at a time (see [`Members`]).
pub(crate) trait FromMembers: Sized {
    fn from_members<'de, A: MapAccess<'de>>(members: Members<'de, A>) -> Result<Self, A::Error>;
}

/// Deserializes a model from a map; `name` is the Rust type's, for errors.
pub(crate) fn deserialize<'de, T: FromMembers, D: de::Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(MapVisitor { name, model: PhantomData })
}

struct MapVisitor<T> {
    name: &'static str,
    model: PhantomData<fn() -> T>,
}

impl<'de, T: FromMembers> de::Visitor<'de> for MapVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_members(Members { map, lifetime: PhantomData })
    }
}

/// The members of one object as a model reads them: each key, then its value into the slot
/// the key names (or among the extra members).
pub(crate) struct Members<'de, A> {
    map: A,
    lifetime: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> Members<'de, A> {
    /// The next member's name, or `None` after the last.
    pub(crate) fn key(&mut self) -> Result<Option<Key<'de>>, A::Error> {
        self.map.next_key()
    }

    /// Reads the value of the member `name` into its slot; a second value is refused.
    pub(crate) fn value<T: de::Deserialize<'de>>(
        &mut self,
        slot: &mut Option<T>,
        name: &'static str,
    ) -> Result<(), A::Error> {
        if slot.is_some() {
            return Err(de::Error::duplicate_field(name));
        }
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// Reads the value of a member the model does not name, kept among its extra members.
    pub(crate) fn other<V: de::Deserialize<'de>>(
        &mut self,
        extra: &mut impl Extend<(String, V)>,
        key: Key<'de>,
    ) -> Result<(), A::Error> {
        let value = self.map.next_value()?;
        extra.extend(Some((key.0.into_owned(), value)));
        Ok(())
    }

    /// A required member's value, refused when the object left it out.
    pub(crate) fn required<T>(&self, slot: Option<T>, name: &'static str) -> Result<T, A::Error> {
        slot.ok_or_else(|| de::Error::missing_field(name))
    }

    /// An optional member's value: `None` when the object left it out or sent `null`.
    pub(crate) fn optional<T>(&self, slot: Option<Option<T>>) -> Option<T> {
        slot.flatten()
    }
}

/// A member's name, borrowed from the input where the format allows (most JSON keys).
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> de::Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value)))
    }
}

/// Starts writing a model as a map of members.
pub(crate) fn serialize<S: serde::Serializer>(serializer: S) -> Result<Written<S::SerializeMap>, S::Error> {
    serializer.serialize_map(None).map(Written)
}

/// A model being written, member by member.
pub(crate) struct Written<M>(M);

impl<M: SerializeMap> Written<M> {
    /// Writes a member, `null` included.
    pub(crate) fn member<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.0.serialize_entry(name, value)
    }

    /// Writes an optional member when it is set.
    pub(crate) fn optional<T: serde::Serialize>(
        &mut self,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(value) => self.0.serialize_entry(name, value),
            None => Ok(()),
        }
    }

    /// Writes the extra members, after the named ones, and ends the map.
    pub(crate) fn end<'a, V: serde::Serialize + 'a>(
        mut self,
        extra: impl IntoIterator<Item = (&'a String, &'a V)>,
    ) -> Result<M::Ok, M::Error> {
        for (name, value) in extra {
            self.0.serialize_entry(name, value)?;
        }
        self.0.end()
    }
}
