"""The stage contract: every entity rule is rule(text, context), reads what the rules before it
found from the context, and every stage that declares a versioned name is named in provenance."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import replace

import pytest

import kb.stages
from kb.pipeline import stage_names
from kb.stages import events, orgs, people, places, posts, projects, resolve
from kb.stages.rule import RuleContext
from kb.stages.text import Text
from entities_helpers import DEFAULT

RULES = (people.cue_names, people.headline_names, people.listed, people.tagged_names, people.learned,
         posts.find, posts.after_name, orgs.find, places.find, projects.find, events.find)
CONTEXT = RuleContext(DEFAULT, year=2021)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.__module__}.{r.__name__}")
def test_every_entity_rule_takes_the_text_and_a_context(rule):
    assert list(inspect.signature(rule).parameters) == ["text", "context"]


def test_posts_take_the_organization_found_before_the_title_from_the_context():
    text = Text.of("华信电子有限公司董事长吴国栋介绍。")
    assert [p.organization for p in posts.find(text, CONTEXT)] == [None]
    (post,) = posts.find(text, replace(CONTEXT, orgs=tuple(orgs.find(text, CONTEXT))))
    assert (post.person, post.title, post.organization.name) == ("吴国栋", "董事长", "华信电子有限公司")


def test_projects_take_their_location_from_the_places_in_the_context():
    text = Text.of("龙湖智能终端产业园项目位于襄城县。")

    def facts(context: RuleContext) -> tuple:
        return {f.name: f.facts for f in projects.find(text, context)}["龙湖智能终端产业园项目"]

    assert facts(CONTEXT) == ()
    assert facts(replace(CONTEXT, places=tuple(places.find(text, CONTEXT)))) == (("location", "襄城县"),)


def test_people_learned_are_the_names_known_but_those_that_are_no_person():
    text = Text.of("王建国到许昌调研。王建国说，许昌很好。")
    context = replace(CONTEXT, people=frozenset({"王建国", "许昌"}), not_people=frozenset({"许昌"}))
    assert [(f.name, f.start) for f in people.learned(text, context)] == [("王建国", 0), ("王建国", 9)]


def test_events_complete_a_stated_date_with_the_year_in_the_context():
    text = Text.of("12月23日，第三届中原数字经济峰会开幕。")
    assert [e.facts for e in events.find(text, CONTEXT)] == [(("date", "2021-12-23"),)]


def test_every_stage_that_declares_a_versioned_name_is_named_in_provenance():
    declared = {importlib.import_module(f"kb.stages.{m.name}") for m in pkgutil.iter_modules(kb.stages.__path__)}
    names = {m.NAME for m in declared if hasattr(m, "NAME")}
    assert len(names) >= 13
    assert names <= {*stage_names(), resolve.NAME}  # the resolution's stage is recorded on its own graph
