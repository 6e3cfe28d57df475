-- Timeline aggregates in segment and question rules (count(type = ticket, since 90d ago),
-- last(type = order)) read a customer's interactions of some types: this index gives
-- them as one range per customer instead of every interaction of the customer.
CREATE INDEX interactions_type ON interactions (customer_id, type, occurred_at);
