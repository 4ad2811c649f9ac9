// Integration and end-to-end tests start brokers and processes: give them minutes, not seconds.
jest.setTimeout(240_000);
