-- units and targets (issue 11): the tree of units a province reports by, the counters of each unit, and the yearly targets, province-wide or per unit
CREATE TABLE units (
  code text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  -- No foreign key: an import writes parents and children in one transaction in any order; the store checks the tree.
  parent_code text COLLATE "C",
  kind text COLLATE "C" NOT NULL
);
CREATE INDEX units_by_parent ON units (parent_code, code);

-- A counter is named by its unit and its own code: devices and responses carry both (agency_code, counter_code).
CREATE TABLE unit_counters (
  unit_code text COLLATE "C" NOT NULL REFERENCES units(code),
  code text COLLATE "C" NOT NULL,
  name text NOT NULL,
  PRIMARY KEY (unit_code, code)
);

-- unit_code '' is the province-wide target of the year; a figure left NULL is inherited from the nearest ancestor.
CREATE TABLE targets (
  year integer NOT NULL,
  unit_code text COLLATE "C" NOT NULL,
  overall double precision,
  c1 double precision,
  c2 double precision,
  c3 double precision,
  c4 double precision,
  c5 double precision,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (year, unit_code)
);
