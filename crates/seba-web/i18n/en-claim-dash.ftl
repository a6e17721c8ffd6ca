# The supervisor's dashboard: the e-commerce complaint cell's panel (staff only; nothing withheld).

dash-claims-title = E-commerce claims
dash-claims-intro = Every claim the complaint cell holds, at any stage, with nothing withheld (the public transparency page folds small numbers away). Recounted at most once a minute.
dash-claims-none = No claims have been filed yet.
dash-claims-claims = Claims
dash-claims-merchants = Merchants
dash-claims-victims = Victims
dash-claims-paid = Paid
dash-claims-refunded = Refunded
dash-claims-outstanding = Outstanding
dash-claims-open = Open claims
dash-claims-chart-merchants = Outstanding by merchant, top 10 (taka)
dash-claims-chart-months = Claims by the month of the order
dash-claims-series = Claims
dash-claims-districts = By the claimant's district, top 10 by outstanding
dash-claims-district = District
dash-claims-merchant-id = Merchant { $id }
dash-claims-all = All claims
dash-claims-public = The public transparency page
