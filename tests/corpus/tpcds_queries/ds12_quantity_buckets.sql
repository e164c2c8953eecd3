-- Sales bucketed by quantity with CASE (q9 style), customers in an email domain.
select case when ss_quantity between 1 and 20 then 'small'
            when ss_quantity between 21 and 40 then 'medium'
            else 'large' end as bucket,
       count(*) as sales, avg(coalesce(ss_net_profit, 0)) as profit
from store_sales
join customer on ss_customer_sk = c_customer_sk
where c_email_address like '%@example.com'
group by 1
order by 1;
