-- Customers whose returns add up to a large amount (HAVING sum).
select sr_customer_sk, sum(sr_return_amt) as returned
from store_returns
group by sr_customer_sk
having sum(sr_return_amt) > 2500
order by returned desc
limit 25;
