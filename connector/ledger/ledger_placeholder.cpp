namespace connector::ledger {} // placeholder until the stage lands
