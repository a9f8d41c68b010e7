"""The core views, by purpose: `records` (the generic record views every app uses), `site`,
`bin`, `review` (publication and moderation), `imports` (spreadsheets)."""
