-- units and targets (issue 11): the tree of units a province reports by, the counters of each unit, and the yearly targets, province-wide or per unit
CREATE TABLE units (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  -- No foreign key: an import writes parents and children in one transaction in any order; the store checks the tree.
  parent_code TEXT,
  kind TEXT NOT NULL
) STRICT;
CREATE INDEX units_by_parent ON units (parent_code, code);

-- A counter is named by its unit and its own code: devices and responses carry both (agency_code, counter_code).
CREATE TABLE unit_counters (
  unit_code TEXT NOT NULL REFERENCES units(code),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (unit_code, code)
) STRICT;

-- unit_code '' is the province-wide target of the year; a figure left NULL is inherited from the nearest ancestor.
CREATE TABLE targets (
  year INTEGER NOT NULL,
  unit_code TEXT NOT NULL,
  overall REAL,
  c1 REAL,
  c2 REAL,
  c3 REAL,
  c4 REAL,
  c5 REAL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (year, unit_code)
) STRICT;
