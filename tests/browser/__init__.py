"""End-to-end tests of the dashboard in headless Chromium, and their shared harness."""
