-- Customers with many purchases (q34 style: a count per group over a threshold).
select c_last_name, c_first_name, cnt
from (select ss_customer_sk, count(*) as cnt
      from store_sales
      group by ss_customer_sk
      having count(*) >= 40) frequent
join customer on c_customer_sk = ss_customer_sk
order by cnt desc, c_last_name
limit 50;
