-- Customers who never bought in a store (NOT EXISTS).
select count(*) as silent_customers, min(c_customer_id) as first_id
from customer c
where not exists (select 1 from store_sales ss where ss.ss_customer_sk = c.c_customer_sk);
