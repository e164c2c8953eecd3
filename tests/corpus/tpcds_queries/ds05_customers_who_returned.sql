-- Customers with at least one return (EXISTS).
select c_customer_id, c_last_name
from customer c
where exists (select 1 from store_returns sr where sr.sr_customer_sk = c.c_customer_sk)
order by c_customer_id
limit 100;
