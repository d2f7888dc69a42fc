-- What the simulator was told of the customer's agreement on each charge, as APS records it.
ALTER TABLE aps_simulator.orders ADD COLUMN agreement_id TEXT;
