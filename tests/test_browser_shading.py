"""Smooth shading in Debian's Chromium (issue 13): the meshes arrive with their normals, and removing a mesh
that carries two arrays (normals beside its colour field) logs nothing.

With vue-vtk-js, the view removed a data array on unmount by the array object where vtk.js wants its
name: nothing was removed, the array was deleted, and the mesh's next array to unmount tripped on it
("instance deleted - cannot call any method"), in every student journey. The page's own view
(viewer/page/view3d) makes a fresh polydata for every mesh state.
"""

from __future__ import annotations

import pytest
from test_browser import differs_from, has_tooth, open_app, settled
from test_journeys import test_student_on_a_desktop as student_journey
from test_journeys import wait_query, watch_errors

pytestmark = pytest.mark.browser

SMOOTH = ("enamel", "crown_pulp", "root_pulp")


def normals_in_page(page) -> dict[str, bool]:
    """For each shaded region, whether the mesh state the page holds names point normals."""
    return page.evaluate(
        """(names) => Object.fromEntries(names.map((r) => {
             const m = window.trame.state.get('mesh_' + r);
             return [r, !!m && (m.pointArrays || []).some((a) => a.registration === 'setNormals'
                                                               && a.type === 'Int8Array')];
           }))""",
        list(SMOOTH),
    )


def test_meshes_with_normals_come_and_go_without_errors(server_url, desktop):
    errors = watch_errors(desktop)
    both = open_app(desktop, server_url, "?tooth=85&mode=student&procedure=pulpectomy&step=2&compare=1")
    assert normals_in_page(desktop) == dict.fromkeys(SMOOTH, True)
    assert desktop.evaluate("trame.state.get('mesh_dentin').pointArrays") in (None, [])
    compare = desktop.get_by_role("checkbox", name="Compare", exact=True)
    shown = both
    for _ in range(2):  # the second copy's meshes unmount, then mount again
        compare.click()
        wait_query(desktop, lacks=["compare=1"])
        one = settled(desktop, differs_from(shown), what="one copy")
        compare.click()
        wait_query(desktop, has=["compare=1"])
        shown = settled(desktop, differs_from(one), what="both copies again")
    theme = desktop.get_by_role("button", name="Dark theme")
    theme.click()  # a theme remakes the whole view: every mesh unmounts and mounts again
    desktop.locator(".pm-root.pm-dark").wait_for(timeout=10000)
    desktop.wait_for_timeout(1500)  # the old canvas is gone, the new one in place
    settled(desktop, has_tooth, what="the view in the other theme")
    desktop.wait_for_timeout(500)
    assert not errors, errors


@pytest.mark.parametrize("run", range(3))
def test_student_journey_runs_clean_again_and_again(server_url, desktop, run):
    """The journey that logged "instance deleted" with normals on (tests/test_journeys.py), repeated."""
    student_journey(server_url, desktop)
