"""A test that needs a browser, run by test_service_markers.py in a pytest of its own.

Its name does not match python_files: the suite collects it only when it is named.
"""

import pytest


@pytest.mark.browser
def test_it_needs_a_browser():
    raise AssertionError("the test body ran")
